using System.Numerics;

namespace Microsoft.ML.Trm.Data;

/// <summary>
/// A simple propagate-and-guess Sudoku solver for 4×4 and 9×9 grids: it places naked singles (a cell with one
/// candidate) and hidden singles (a digit with one place in a row, column or box) until nothing changes, then
/// branches on the first empty cell with the fewest candidates, trying digits in ascending order.
/// </summary>
/// <remarks>
/// Its difficulty measure, <see cref="Backtracks"/>, is the number of failed guesses (branches whose subtree held no
/// solution) before the first solution is found; 0 means the puzzle falls to singles plus lucky guesses.
/// Instances are not thread-safe.
/// </remarks>
internal sealed class SudokuSolver
{
    private readonly int _n, _nn, _box, _full, _stride;
    private readonly int[] _rowOf, _colOf, _boxOf;
    private readonly int[][] _units;
    private readonly List<int[]> _pool = new();

    /// <summary>Creates a solver for grids of the given side (4 or 9).</summary>
    public SudokuSolver(int size = 9)
    {
        if (size != 4 && size != 9) throw new ArgumentOutOfRangeException(nameof(size), size, "Sudoku size must be 4 or 9.");
        _n = size; _nn = size * size; _box = size == 4 ? 2 : 3; _full = (1 << (size + 1)) - 2; _stride = _nn + 3 * size;
        _rowOf = new int[_nn]; _colOf = new int[_nn]; _boxOf = new int[_nn];
        _units = new int[3 * size][];
        for (int u = 0; u < 3 * size; u++) _units[u] = new int[size];
        for (int i = 0; i < _nn; i++)
        {
            int r = i / size, c = i % size, b = r / _box * _box + c / _box;
            _rowOf[i] = r; _colOf[i] = c; _boxOf[i] = b;
            _units[r][c] = i;
            _units[size + c][r] = i;
            _units[2 * size + b][(r % _box) * _box + c % _box] = i;
        }
    }

    /// <summary>Side of the grids this solver handles.</summary>
    public int Size => _n;

    /// <summary>Solves a puzzle; returns the first solution found, or null when there is none.</summary>
    public string? Solve(string puzzle) => Solve(puzzle, out _);

    /// <summary>Solves a puzzle and reports the number of failed guesses; null when there is no solution.</summary>
    public string? Solve(string puzzle, out int backtracks)
    {
        var state = Load(puzzle);
        backtracks = 0;
        int found = 0;
        int[]? solution = null;
        if (state != null) Search(state, 0, 1, ref found, ref backtracks, null, ref solution);
        return solution == null ? null : Format(solution);
    }

    /// <summary>Counts solutions, stopping at <paramref name="limit"/> (2 is enough to test uniqueness).</summary>
    public int CountSolutions(string puzzle, int limit = 2)
    {
        if (limit < 1) throw new ArgumentOutOfRangeException(nameof(limit), limit, "The limit must be at least 1.");
        var state = Load(puzzle);
        if (state == null) return 0;
        int found = 0, backtracks = 0;
        int[]? solution = null;
        Search(state, 0, limit, ref found, ref backtracks, null, ref solution);
        return found;
    }

    /// <summary>Number of failed guesses before the first solution (the rating of generated puzzles).</summary>
    public int Backtracks(string puzzle)
    {
        Solve(puzzle, out int backtracks);
        return backtracks;
    }

    /// <summary>A complete random valid grid (the solver with random digit order on an empty grid).</summary>
    internal string RandomGrid(Random rng)
    {
        var state = new int[_stride];
        int found = 0, backtracks = 0;
        int[]? solution = null;
        Search(state, 0, 1, ref found, ref backtracks, rng, ref solution);
        return Format(solution!);
    }

    private int[]? Load(string puzzle)
    {
        ArgumentNullException.ThrowIfNull(puzzle);
        if (puzzle.Length != _nn) throw new PuzzleFormatException($"sudoku: expected {_nn} characters, found {puzzle.Length}.");
        var s = new int[_stride];
        for (int i = 0; i < _nn; i++)
        {
            int d = SudokuRules.Digit(puzzle[i], _n);
            if (d < 0) throw new PuzzleFormatException($"sudoku: character '{puzzle[i]}' at cell {i + 1} (row {i / _n + 1}, column {i % _n + 1}) is not a digit 1-{_n}, '.' or '0'.");
            if (d > 0 && !Place(s, i, d)) return null;
        }
        return s;
    }

    private string Format(int[] s)
    {
        var chars = new char[_nn];
        for (int i = 0; i < _nn; i++) chars[i] = s[i] == 0 ? '.' : (char)('0' + s[i]);
        return new string(chars);
    }

    private int Candidates(int[] s, int i) =>
        _full & ~(s[_nn + _rowOf[i]] | s[_nn + _n + _colOf[i]] | s[_nn + 2 * _n + _boxOf[i]]);

    private bool Place(int[] s, int i, int d)
    {
        int bit = 1 << d;
        if (s[i] != 0 || (Candidates(s, i) & bit) == 0) return false;
        s[i] = d;
        s[_nn + _rowOf[i]] |= bit; s[_nn + _n + _colOf[i]] |= bit; s[_nn + 2 * _n + _boxOf[i]] |= bit;
        return true;
    }

    private bool Propagate(int[] s)
    {
        bool changed = true;
        while (changed)
        {
            changed = false;
            for (int i = 0; i < _nn; i++)
            {
                if (s[i] != 0) continue;
                int cand = Candidates(s, i);
                if (cand == 0) return false;
                if ((cand & (cand - 1)) == 0) { Place(s, i, BitOperations.TrailingZeroCount(cand)); changed = true; }
            }
            for (int u = 0; u < _units.Length; u++)
            {
                int once = 0, twice = 0, placed = 0;
                var unit = _units[u];
                foreach (int i in unit)
                {
                    if (s[i] != 0) { placed |= 1 << s[i]; continue; }
                    int cand = Candidates(s, i);
                    twice |= once & cand; once |= cand;
                }
                if ((once | placed) != _full) return false;
                int hidden = once & ~twice & ~placed;
                while (hidden != 0)
                {
                    int bit = hidden & -hidden; hidden &= hidden - 1;
                    int d = BitOperations.TrailingZeroCount(bit);
                    int cell = -1;
                    foreach (int i in unit) if (s[i] == 0 && (Candidates(s, i) & bit) != 0) { cell = i; break; }
                    if (cell < 0 || !Place(s, cell, d)) return false;
                    changed = true;
                }
            }
        }
        return true;
    }

    // Returns true when the search should stop (limit reached).
    private bool Search(int[] s, int depth, int limit, ref int found, ref int backtracks, Random? rng, ref int[]? solution)
    {
        if (!Propagate(s)) return false;
        int best = -1, bestCount = int.MaxValue, bestCand = 0;
        for (int i = 0; i < _nn; i++)
        {
            if (s[i] != 0) continue;
            int cand = Candidates(s, i), count = BitOperations.PopCount((uint)cand);
            if (count < bestCount) { best = i; bestCount = count; bestCand = cand; if (count == 2) break; }
        }
        if (best < 0)
        {
            found++;
            solution ??= (int[])s.Clone();
            return found >= limit;
        }
        Span<int> digits = stackalloc int[bestCount];
        for (int k = 0, c = bestCand; c != 0; c &= c - 1) digits[k++] = BitOperations.TrailingZeroCount(c);
        if (rng != null)
            for (int k = digits.Length - 1; k > 0; k--) { int j = rng.Next(k + 1); (digits[k], digits[j]) = (digits[j], digits[k]); }
        while (_pool.Count <= depth) _pool.Add(new int[_stride]);
        var child = _pool[depth];
        foreach (int d in digits)
        {
            Array.Copy(s, child, _stride);
            int before = found;
            Place(child, best, d);
            if (Search(child, depth + 1, limit, ref found, ref backtracks, rng, ref solution)) return true;
            if (found == before) backtracks++;
        }
        return false;
    }
}
