namespace Microsoft.ML.Trm.Data;

/// <summary>
/// One puzzle with its solution, in the text form of its codec (see <see cref="SudokuCodec"/>,
/// <see cref="MazeCodec"/>, <see cref="ArcCodec"/>), plus the metadata TRM's datasets carry.
/// </summary>
/// <param name="Puzzle">The puzzle text (the model's input).</param>
/// <param name="Solution">The solution text (the label).</param>
/// <param name="PuzzleId">Puzzle-embedding identifier; 0 is the blank identifier.</param>
/// <param name="Source">Name of the collection the puzzle comes from (the CSV <c>source</c> column).</param>
/// <param name="Rating">Difficulty rating; <see cref="float.NaN"/> when unknown.</param>
public sealed record PuzzleExample(string Puzzle, string Solution, int PuzzleId = 0, string Source = "", float Rating = float.NaN)
{
    /// <summary>Optional group key: the original puzzle or ARC task that this example (or its augmentation) comes from.</summary>
    public string? Group { get; init; }

    /// <summary>Optional name of the puzzle, e.g. an ARC variant name <c>task|||t3|||0123456789</c>.</summary>
    public string? Name { get; init; }

    /// <summary>Optional text difficulty label (the <c>difficulty</c> column of sudoku-gen CSV files).</summary>
    public string? Difficulty { get; init; }

    /// <summary>
    /// Optional pre-computed input tokens. When set, <see cref="PuzzleDataViews"/> uses them instead of encoding
    /// <see cref="Puzzle"/> (ARC examples translated on the canvas need this).
    /// </summary>
    public int[]? PuzzleTokens { get; init; }

    /// <summary>Optional pre-computed label tokens; see <see cref="PuzzleTokens"/>.</summary>
    public int[]? SolutionTokens { get; init; }
}
