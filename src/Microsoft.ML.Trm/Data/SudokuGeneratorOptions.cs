namespace Microsoft.ML.Trm.Data;

/// <summary>Settings of <see cref="SudokuGenerator"/>.</summary>
public sealed record SudokuGeneratorOptions
{
    /// <summary>Side of the grid, 4 or 9.</summary>
    public int Size { get; init; } = 9;

    /// <summary>
    /// Target number of givens. Cells are removed in random order while the solution stays unique, down to this
    /// target; when no further cell can be removed the puzzle keeps more givens (about 22-26 is the floor at 9×9).
    /// </summary>
    public int TargetGivens { get; init; } = 28;

    /// <summary>Smallest accepted rating (<see cref="SudokuSolver.Backtracks"/>); harder puzzles need more attempts.</summary>
    public int MinBacktracks { get; init; }

    /// <summary>Largest accepted rating.</summary>
    public int MaxBacktracks { get; init; } = int.MaxValue;

    /// <summary>Attempts per puzzle before giving up on the rating window (then an exception is thrown).</summary>
    public int MaxAttempts { get; init; } = 10_000;

    /// <summary>Value of <see cref="PuzzleExample.Source"/>.</summary>
    public string Source { get; init; } = "generated";
}
