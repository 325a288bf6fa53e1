namespace Microsoft.ML.Trm.Data;

/// <summary>
/// A validity-preserving Sudoku shuffle, drawn as the reference's <c>shuffle_sudoku</c>
/// (dataset/build_sudoku_dataset.py): a relabelling of the digits (blank fixed), a transpose with probability ½,
/// a permutation of the bands and of the rows inside each band, and of the stacks and of the columns inside each
/// stack (bands of 3 at 9×9, of 2 at 4×4). The same shuffle is applied to the puzzle and to its solution.
/// </summary>
internal sealed class SudokuShuffle
{
    private SudokuShuffle(int size, int[] digitMap, bool transpose, int[] rows, int[] columns)
    {
        Size = size; DigitMap = digitMap; Transpose = transpose; RowPermutation = rows; ColumnPermutation = columns;
    }

    /// <summary>Side of the grid.</summary>
    public int Size { get; }

    /// <summary>New digit of each old digit: <c>DigitMap[d]</c> for d in 1..Size; index 0 (blank) maps to 0.</summary>
    public IReadOnlyList<int> DigitMap { get; }

    /// <summary>Whether the grid is transposed first.</summary>
    public bool Transpose { get; }

    /// <summary>Output row i takes source row <c>RowPermutation[i]</c> (of the transposed grid when <see cref="Transpose"/>).</summary>
    public IReadOnlyList<int> RowPermutation { get; }

    /// <summary>Output column j takes source column <c>ColumnPermutation[j]</c>.</summary>
    public IReadOnlyList<int> ColumnPermutation { get; }

    /// <summary>Draws a shuffle in the reference's order: digits, transpose flag, bands, rows, stacks, columns.</summary>
    public static SudokuShuffle Random(int size, Random rng)
    {
        if (size != 4 && size != 9) throw new ArgumentOutOfRangeException(nameof(size), size, "Sudoku size must be 4 or 9.");
        ArgumentNullException.ThrowIfNull(rng);
        int box = size == 4 ? 2 : 3;
        var digits = new int[size + 1];
        var perm = Enumerable.Range(1, size).ToArray();
        rng.Shuffle(perm);
        Array.Copy(perm, 0, digits, 1, size);
        bool transpose = rng.NextDouble() < 0.5;
        return new SudokuShuffle(size, digits, transpose, Lines(size, box, rng), Lines(size, box, rng));
    }

    private static int[] Lines(int size, int box, Random rng)
    {
        var groups = Enumerable.Range(0, box).ToArray();
        rng.Shuffle(groups);
        var lines = new int[size];
        int k = 0;
        foreach (int g in groups)
        {
            var inner = Enumerable.Range(0, box).ToArray();
            rng.Shuffle(inner);
            foreach (int x in inner) lines[k++] = g * box + x;
        }
        return lines;
    }

    /// <summary>Applies the shuffle to grid text ('.' and '0' blanks are kept as they are).</summary>
    public string Apply(string grid)
    {
        ArgumentNullException.ThrowIfNull(grid);
        int n = Size;
        if (grid.Length != n * n) throw new ArgumentException($"Expected {n * n} characters, found {grid.Length}.", nameof(grid));
        var chars = new char[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                int r = RowPermutation[i], c = ColumnPermutation[j];
                char ch = Transpose ? grid[c * n + r] : grid[r * n + c];
                int d = SudokuRules.Digit(ch, n);
                chars[i * n + j] = d > 0 ? (char)('0' + DigitMap[d]) : ch;
            }
        return new string(chars);
    }

    /// <summary>
    /// Applies the shuffle to <see cref="SudokuCodec"/> tokens (PAD 0 and blank 1 kept, digit d as d + 1), e.g. a
    /// puzzle's or a solution's row of a training batch.
    /// </summary>
    internal void ApplyTokens(ReadOnlySpan<int> tokens, Span<int> result)
    {
        int n = Size;
        if (tokens.Length != n * n || result.Length != n * n) throw new ArgumentException($"Expected {n * n} tokens, found {tokens.Length}.", nameof(tokens));
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                int r = RowPermutation[i], c = ColumnPermutation[j];
                int t = Transpose ? tokens[c * n + r] : tokens[r * n + c];
                result[i * n + j] = t > SudokuCodec.Blank && t <= n + 1 ? DigitMap[t - 1] + 1 : t;
            }
    }

    /// <summary>Applies the shuffle to an example's puzzle and solution (other fields kept).</summary>
    public PuzzleExample Apply(PuzzleExample example)
    {
        ArgumentNullException.ThrowIfNull(example);
        return example with { Puzzle = Apply(example.Puzzle), Solution = example.Solution.Length == 0 ? "" : Apply(example.Solution), PuzzleTokens = null, SolutionTokens = null };
    }

    /// <summary>
    /// The reference's Sudoku training set shape, lazily: each original followed by <paramref name="count"/> random
    /// shuffles of it, all with <see cref="PuzzleExample.Group"/> set to the original's index.
    /// </summary>
    public static IEnumerable<PuzzleExample> Augment(IEnumerable<PuzzleExample> originals, int count, int seed)
    {
        ArgumentNullException.ThrowIfNull(originals);
        var rng = new Random(seed);
        int index = 0;
        foreach (var e in originals)
        {
            int n = SudokuRules.SizeOf(e.Puzzle);
            var original = e with { Group = e.Group ?? index.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            yield return original;
            for (int k = 0; k < count; k++) yield return Random(n, rng).Apply(original);
            index++;
        }
    }
}
