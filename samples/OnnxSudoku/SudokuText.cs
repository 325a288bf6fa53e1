namespace OnnxSudoku;

/// <summary>
/// The Sudoku token codec of Microsoft.ML.Trm (SudokuCodec), repeated here so this app needs no TorchSharp-based
/// library: 0 = PAD, 1 = blank ('.' or '0'), digit d → d + 1; row-major, 16 (4×4) or 81 (9×9) cells.
/// </summary>
public static class SudokuText
{
    public static long[] Encode(string text, int size)
    {
        var cells = text.Where(c => !char.IsWhiteSpace(c)).ToArray();
        if (cells.Length != size * size)
            throw new FormatException($"A {size}×{size} Sudoku has {size * size} cells; '{text}' has {cells.Length}.");
        return cells.Select((c, i) => c is '.' or '0' ? 1L
            : c >= '1' && c <= (char)('0' + size) ? c - '0' + 1L
            : throw new FormatException($"Cell {i + 1} of '{text}' is '{c}': expected 1..{size}, '.' or '0'.")).ToArray();
    }

    public static string Decode(ReadOnlySpan<long> tokens)
    {
        var chars = new char[tokens.Length];
        for (int i = 0; i < tokens.Length; i++) chars[i] = tokens[i] <= 1 ? '.' : (char)('0' + tokens[i] - 1);
        return new string(chars);
    }

    /// <summary>Every row, column and box holds each digit once, and the givens of <paramref name="puzzle"/> are kept.</summary>
    public static bool IsSolution(string grid, string puzzle, int size)
    {
        int box = size == 4 ? 2 : 3;
        if (grid.Length != size * size || grid.Any(c => c < '1' || c > (char)('0' + size))) return false;
        for (int i = 0; i < grid.Length; i++)
            if (puzzle[i] is not ('.' or '0') && puzzle[i] != grid[i]) return false;
        for (int i = 0; i < size; i++)
        {
            int br = i / box * box, bc = i % box * box;
            if (Enumerable.Range(0, size).Select(j => grid[i * size + j]).Distinct().Count() != size) return false;
            if (Enumerable.Range(0, size).Select(j => grid[j * size + i]).Distinct().Count() != size) return false;
            if (Enumerable.Range(0, size).Select(j => grid[(br + j / box) * size + bc + j % box]).Distinct().Count() != size) return false;
        }
        return true;
    }
}
