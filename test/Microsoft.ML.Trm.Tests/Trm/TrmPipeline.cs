using Microsoft.ML.Data;
using Microsoft.ML.Trm.Data;

namespace Microsoft.ML.Trm.Tests.Trm;

/// <summary>Rows and a whole text-in, text-out pipeline shared by the TRM tests and their child processes.</summary>
public static class TrmPipeline
{
    public sealed class SudokuRow
    {
        public string Puzzle { get; set; } = "";
        public string Solution { get; set; } = "";
    }

    public sealed class SudokuPrediction
    {
        public string PredictedSolution { get; set; } = "";
        public float Confidence { get; set; }
        public int Steps { get; set; }
    }

    public static IDataView Data(MLContext ml, int count, int seed)
        => ml.Data.LoadFromEnumerable(TinySudoku.Generate(count, seed).Select(r => new SudokuRow { Puzzle = r.Puzzle, Solution = r.Solution }).ToList());

    public static TrmOptions SmallOptions(int maxSteps = 30)
    {
        var o = TrmPresets.Create(TrmPresets.Tiny);
        o.HiddenSize = 32; o.NumHeads = 2; o.BatchSize = 32; o.MaxSteps = maxSteps; o.InferenceBatchSize = 16;
        return o;
    }

    /// <summary>Puzzle text → tokens → TRM → predicted text.</summary>
    public static IEstimator<ITransformer> Build(MLContext ml, TrmOptions options)
    {
        var codec = new SudokuCodec(4);
        return ml.Transforms.EncodePuzzle("PuzzleTokens", "Puzzle", codec)
            .Append(ml.Transforms.EncodePuzzle("SolutionTokens", "Solution", codec))
            .Append(ml.Transforms.Trm(options))
            .Append(ml.Transforms.DecodePuzzle("PredictedSolution", "PredictedTokens", codec));
    }

    /// <summary>One line per row from Transform ("T ...") and from a PredictionEngine ("P ...").</summary>
    public static IEnumerable<string> Describe(MLContext ml, ITransformer model, IReadOnlyList<string> puzzles)
    {
        var input = ml.Data.LoadFromEnumerable(puzzles.Select(p => new SudokuRow { Puzzle = p, Solution = p }).ToList());
        foreach (var p in ml.Data.CreateEnumerable<SudokuPrediction>(model.Transform(input), reuseRowObject: false))
            yield return $"T {p.PredictedSolution} {p.Confidence:R} {p.Steps}";
        var engine = ml.Model.CreatePredictionEngine<SudokuRow, SudokuPrediction>(model);
        foreach (var puzzle in puzzles)
        {
            var p = engine.Predict(new SudokuRow { Puzzle = puzzle, Solution = puzzle });
            yield return $"P {p.PredictedSolution} {p.Confidence:R} {p.Steps}";
        }
    }
}
