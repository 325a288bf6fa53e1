using Microsoft.ML.Data;
using Microsoft.ML.Trm.Data;
using Microsoft.ML.Trm.Tests.Trm;

namespace Microsoft.ML.Trm.Tests.MlNet;

/// <summary>Every estimator of the package through <see cref="EstimatorWorkout"/>, plus codec round trips per puzzle family.</summary>
public class EstimatorWorkoutTests
{
    private sealed class TextRow
    {
        public string Puzzle { get; set; } = "";
    }

    private sealed class NumberRow
    {
        public float Puzzle { get; set; }
        public float Solution { get; set; }
    }

    private sealed class TokenRow
    {
        [VectorType(16)] public int[] Tokens { get; set; } = Array.Empty<int>();
    }

    private static TrmOptions TinyOptions()
    {
        var o = TrmPipeline.SmallOptions(maxSteps: 2);
        (o.HiddenSize, o.Layers, o.OuterCycles, o.InnerCycles, o.MaxSupervisionSteps, o.BatchSize, o.InferenceBatchSize) = (16, 1, 1, 2, 2, 8, 8);
        return o;
    }

    private static IDataView Numbers(MLContext ml) => ml.Data.LoadFromEnumerable(new[] { new NumberRow { Puzzle = 1, Solution = 2 } });

    [Test]
    public void EncodePuzzle_Workout()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(TinySudoku.Generate(5, 1).Select(r => new TextRow { Puzzle = r.Puzzle }).ToList());
        EstimatorWorkout.Run(ml, ml.Transforms.EncodePuzzle("Tokens", "Puzzle", PuzzleKind.Sudoku4), data,
            invalid: (Numbers(ml), "Column 'Puzzle' has type Single; expected a scalar of type String"));
    }

    [Test]
    public void DecodePuzzle_Workout()
    {
        var ml = new MLContext(seed: 1);
        var codec = new SudokuCodec(4);
        var data = ml.Data.LoadFromEnumerable(TinySudoku.Generate(5, 1).Select(r => new TokenRow { Tokens = codec.Encode(r.Solution) }).ToList());
        var wrongType = ml.Data.LoadFromEnumerable(new[] { new { Tokens = "x" } });
        EstimatorWorkout.Run(ml, ml.Transforms.DecodePuzzle("Text", "Tokens", codec), data,
            invalid: (wrongType, "Column 'Tokens' has type String; expected a known-size vector of Int32 or Single"));
    }

    [Test]
    public void Trm_Workout()
    {
        var ml = new MLContext(seed: 1);
        var tokens = ml.Transforms.EncodePuzzle("PuzzleTokens", "Puzzle", PuzzleKind.Sudoku4)
            .Append(ml.Transforms.EncodePuzzle("SolutionTokens", "Solution", PuzzleKind.Sudoku4));
        var raw = TrmPipeline.Data(ml, 16, seed: 2);
        var data = tokens.Fit(raw).Transform(raw);
        var (fitted, _) = EstimatorWorkout.Run(ml, ml.Transforms.Trm(TinyOptions()), data,
            invalid: (Numbers(ml), "Input column 'PuzzleTokens' was not found"));
        ((IDisposable)fitted).Dispose();
    }

    [Test]
    public void TrmSolver_Workout_PredictsFromThePuzzleColumnAlone()
    {
        var ml = new MLContext(seed: 1);
        var train = TrmPipeline.Data(ml, 16, seed: 2);
        var puzzlesOnly = ml.Data.LoadFromEnumerable(TinySudoku.Generate(6, 3).Select(r => new TextRow { Puzzle = r.Puzzle }).ToList());
        var (fitted, loaded) = EstimatorWorkout.Run(ml, ml.Transforms.TrmSolver(PuzzleKind.Sudoku4, options: TinyOptions()), train, puzzlesOnly,
            (Numbers(ml), "Column 'Puzzle' has type Single; expected a scalar of type String"));

        var output = loaded.Transform(puzzlesOnly).Schema;
        Assert.That(output["PredictedSolution"].Type, Is.EqualTo(TextDataViewType.Instance));
        Assert.That(output["Confidence"].Type, Is.EqualTo(NumberDataViewType.Single));
        Assert.That(output["Steps"].Type, Is.EqualTo(NumberDataViewType.Int32));
        Assert.That(((TransformerChain<ITransformer>)fitted).Count(), Is.EqualTo(3));
    }

    [Test]
    public void TrmSolver_WithoutSolutionColumn_FailsNamingIt()
    {
        var ml = new MLContext(seed: 1);
        var puzzlesOnly = ml.Data.LoadFromEnumerable(new[] { new TextRow { Puzzle = "1.3..4.1.1.4.3.2" } });
        var solver = ml.Transforms.TrmSolver(PuzzleKind.Sudoku4, options: TinyOptions());
        Assert.That(() => solver.Fit(puzzlesOnly), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("Input column 'Solution' was not found"));
    }

    [TestCase(PuzzleKind.Sudoku4)]
    [TestCase(PuzzleKind.Sudoku)]
    [TestCase(PuzzleKind.Maze)]
    [TestCase(PuzzleKind.Arc)]
    public void EncodeThenDecode_GivesTheTextBack(PuzzleKind kind)
    {
        var ml = new MLContext(seed: 1);
        var texts = Samples(kind);
        var data = ml.Data.LoadFromEnumerable(texts.Select(t => new TextRow { Puzzle = t }).ToList());
        var model = ml.Transforms.EncodePuzzle("Tokens", "Puzzle", kind).Append(ml.Transforms.DecodePuzzle("Decoded", "Tokens", kind)).Fit(data);

        var decoded = model.Transform(data).GetColumn<string>("Decoded").ToList();

        Assert.That(decoded, Is.EqualTo(texts));
    }

    private static string[] Samples(PuzzleKind kind) => kind switch
    {
        PuzzleKind.Sudoku4 => TinySudoku.Generate(3, 5).SelectMany(r => new[] { r.Puzzle, r.Solution }).ToArray(),
        PuzzleKind.Sudoku => CodecPipeline.Sudokus,
        PuzzleKind.Maze => MazeGenerator.Generate(new MazeGeneratorOptions { Size = 30 }, seed: 1).Take(2).SelectMany(e => new[] { e.Puzzle, e.Solution }).ToArray(),
        PuzzleKind.Arc => new[] { "0", "012|340", string.Join('|', Enumerable.Repeat("0123456789012345678901234567890"[..30], 30)), "98|76|54" },
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
