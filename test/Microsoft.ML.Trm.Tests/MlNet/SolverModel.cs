namespace Microsoft.ML.Trm.Tests.MlNet;

/// <summary>Prediction with a <see cref="TrmSolverEstimator"/> model through a PredictionEngine whose input has only Puzzle.</summary>
public static class SolverModel
{
    public sealed class PuzzleOnly
    {
        public string Puzzle { get; set; } = "";
    }

    public sealed class Solved
    {
        public string PredictedSolution { get; set; } = "";
        public float Confidence { get; set; }
        public int Steps { get; set; }
    }

    /// <summary>"puzzle -> solution confidence steps" per puzzle.</summary>
    public static IEnumerable<string> Solve(MLContext ml, ITransformer model, IEnumerable<string> puzzles)
    {
        var engine = ml.Model.CreatePredictionEngine<PuzzleOnly, Solved>(model);
        foreach (var puzzle in puzzles)
        {
            var s = engine.Predict(new PuzzleOnly { Puzzle = puzzle });
            yield return $"{puzzle} -> {s.PredictedSolution} {s.Confidence:R} {s.Steps}";
        }
    }
}
