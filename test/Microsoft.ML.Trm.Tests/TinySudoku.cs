namespace Microsoft.ML.Trm.Tests;

/// <summary>
/// A self-contained 4×4 Sudoku source for tests: random valid solutions (relabelled, band/row/stack/column
/// permuted base grid) with some cells blanked. Strings use the Sudoku text format ('.' = blank).
/// </summary>
internal static class TinySudoku
{
    private static readonly int[] Base = { 1, 2, 3, 4, 3, 4, 1, 2, 2, 1, 4, 3, 4, 3, 2, 1 };

    public static List<(string Puzzle, string Solution)> Generate(int count, int seed, int blanks = 6)
    {
        var rng = new Random(seed);
        var result = new List<(string, string)>();
        for (int k = 0; k < count; k++)
        {
            var digits = new[] { 1, 2, 3, 4 }; rng.Shuffle(digits);
            int[] rows = Perm(rng), cols = Perm(rng);
            var grid = new int[16];
            for (int r = 0; r < 4; r++)
                for (int c = 0; c < 4; c++)
                    grid[r * 4 + c] = digits[Base[rows[r] * 4 + cols[c]] - 1];
            var cells = Enumerable.Range(0, 16).ToArray(); rng.Shuffle(cells);
            var puzzle = grid.Select(d => (char)('0' + d)).ToArray();
            foreach (var i in cells.Take(blanks)) puzzle[i] = '.';
            result.Add((new string(puzzle), string.Concat(grid.Select(d => (char)('0' + d)))));
        }
        return result;
    }

    // A validity-preserving order of rows (or columns): swap the two bands, and the rows inside each band.
    private static int[] Perm(Random rng)
    {
        var bands = rng.Next(2) == 0 ? new[] { 0, 1 } : new[] { 1, 0 };
        return bands.SelectMany(b => rng.Next(2) == 0 ? new[] { 2 * b, 2 * b + 1 } : new[] { 2 * b + 1, 2 * b }).ToArray();
    }

    public static bool IsValidSolution(string grid)
    {
        if (grid.Length != 16 || grid.Any(c => c < '1' || c > '4')) return false;
        for (int i = 0; i < 4; i++)
        {
            if (Enumerable.Range(0, 4).Select(j => grid[i * 4 + j]).Distinct().Count() != 4) return false;
            if (Enumerable.Range(0, 4).Select(j => grid[j * 4 + i]).Distinct().Count() != 4) return false;
            int br = i / 2 * 2, bc = i % 2 * 2;
            if (new[] { grid[br * 4 + bc], grid[br * 4 + bc + 1], grid[(br + 1) * 4 + bc], grid[(br + 1) * 4 + bc + 1] }.Distinct().Count() != 4) return false;
        }
        return true;
    }
}
