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

/// <summary>
/// Generates Sudoku puzzles with a unique solution: a random complete grid, then givens removed in random order
/// while the solution stays unique, until <see cref="SudokuGeneratorOptions.TargetGivens"/>. Each puzzle's
/// <see cref="PuzzleExample.Rating"/> is the failed-guess count of <see cref="SudokuSolver"/>. Deterministic per seed.
/// </summary>
public static class SudokuGenerator
{
    /// <summary>An endless, lazily generated stream of puzzles (take as many as needed).</summary>
    public static IEnumerable<PuzzleExample> Generate(SudokuGeneratorOptions options, int seed)
    {
        ArgumentNullException.ThrowIfNull(options);
        int n = options.Size;
        if (n != 4 && n != 9) throw new ArgumentOutOfRangeException(nameof(options), n, "Sudoku size must be 4 or 9.");
        if (options.TargetGivens < 0 || options.TargetGivens > n * n)
            throw new ArgumentOutOfRangeException(nameof(options), options.TargetGivens, $"TargetGivens must be between 0 and {n * n}.");
        var rng = new Random(seed);
        var solver = new SudokuSolver(n);
        var order = Enumerable.Range(0, n * n).ToArray();
        while (true)
        {
            for (int attempt = 0; ; attempt++)
            {
                if (attempt >= options.MaxAttempts)
                    throw new InvalidOperationException($"No {n}×{n} puzzle with {options.MinBacktracks}-{options.MaxBacktracks} backtracks after {options.MaxAttempts} attempts.");
                string solution = solver.RandomGrid(rng);
                var puzzle = solution.ToCharArray();
                rng.Shuffle(order);
                int givens = n * n;
                foreach (int cell in order)
                {
                    if (givens <= options.TargetGivens) break;
                    char keep = puzzle[cell];
                    puzzle[cell] = '.';
                    if (solver.CountSolutions(new string(puzzle), 2) == 1) givens--;
                    else puzzle[cell] = keep;
                }
                string text = new(puzzle);
                int backtracks = solver.Backtracks(text);
                if (backtracks < options.MinBacktracks || backtracks > options.MaxBacktracks) continue;
                yield return new PuzzleExample(text, solution, 0, options.Source, backtracks);
                break;
            }
        }
    }
}
