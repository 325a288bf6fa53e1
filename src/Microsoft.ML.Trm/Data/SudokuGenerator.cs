namespace Microsoft.ML.Trm.Data;

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
