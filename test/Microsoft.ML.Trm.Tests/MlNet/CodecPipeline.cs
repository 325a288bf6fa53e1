using Microsoft.ML.Data;

namespace Microsoft.ML.Trm.Tests.MlNet;

/// <summary>Input row: one puzzle as text.</summary>
public sealed class PuzzleRow
{
    /// <summary>The puzzle text.</summary>
    public string Puzzle { get; set; } = "";
}

/// <summary>Output row of <see cref="CodecPipeline"/>.</summary>
public sealed class CodecOutput
{
    /// <summary>The puzzle text (passed through).</summary>
    public string Puzzle { get; set; } = "";

    /// <summary>Encoded tokens.</summary>
    [VectorType(81)]
    public int[] Tokens { get; set; } = Array.Empty<int>();

    /// <summary>Decoded text.</summary>
    public string Decoded { get; set; } = "";
}

/// <summary>The EncodePuzzle → CopyColumns → DecodePuzzle pipeline the persistence tests save and reload.</summary>
public static class CodecPipeline
{
    /// <summary>A few 9×9 Sudoku puzzles (and one solution), '.' = blank.</summary>
    public static readonly string[] Sudokus =
    {
        "53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79",
        "..3.2.6..9..3.5..1..18.64....81.29..7.......8..67.82....26.95..8..2.3..9..5.1.3..",
        "4.....8.5.3..........7......2.....6.....8.4......1.......6.3.7.5..2.....1.4......",
        "534678912672195348198342567859761423426853791713924856961537284287419635345286179",
        ".................................................................................",
    };

    /// <summary>Builds the pipeline.</summary>
    public static IEstimator<ITransformer> Build(MLContext ml)
        => ml.Transforms.EncodePuzzle("Tokens", "Puzzle", PuzzleKind.Sudoku)
            .Append(ml.Transforms.CopyColumns("TokensCopy", "Tokens"))
            .Append(ml.Transforms.DecodePuzzle("Decoded", "TokensCopy", PuzzleKind.Sudoku));

    /// <summary>The puzzles as an IDataView.</summary>
    public static IDataView Data(MLContext ml, IEnumerable<string> puzzles)
        => ml.Data.LoadFromEnumerable(puzzles.Select(p => new PuzzleRow { Puzzle = p }).ToList());

    /// <summary>One line per row: "decoded|tokens" from Transform, then the same from PredictionEngine.</summary>
    public static string Describe(MLContext ml, ITransformer model, IReadOnlyList<string> puzzles)
    {
        var lines = new List<string>();
        var transformed = ml.Data.CreateEnumerable<CodecOutput>(model.Transform(Data(ml, puzzles)), reuseRowObject: false);
        lines.AddRange(transformed.Select(o => $"transform {o.Decoded}|{string.Join(',', o.Tokens)}"));
        var engine = ml.Model.CreatePredictionEngine<PuzzleRow, CodecOutput>(model);
        foreach (var p in puzzles)
        {
            var o = engine.Predict(new PuzzleRow { Puzzle = p });
            lines.Add($"predict {o.Decoded}|{string.Join(',', o.Tokens)}");
        }
        return string.Join('\n', lines);
    }
}
