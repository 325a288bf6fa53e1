namespace Microsoft.ML.Trm.Data;

/// <summary>Checks of the Sudoku rules on grid text (row-major, '.' or '0' for blanks).</summary>
public static class SudokuRules
{
    /// <summary>The side of a grid from its text length: 16 → 4, 81 → 9; 0 for any other length.</summary>
    public static int SizeOf(string text) => text.Length switch { 16 => 4, 81 => 9, _ => 0 };

    /// <summary>Digit of a cell, 0 for a blank ('.' or '0'), −1 for a character outside the format.</summary>
    public static int Digit(char c, int size) => c == '.' || c == '0' ? 0 : c >= '1' && c <= '0' + size ? c - '0' : -1;

    /// <summary>
    /// Describes the first rule violation among the givens (a character outside the format or a digit repeated in
    /// a row, column or box), or returns null when the givens are consistent.
    /// </summary>
    public static string? FindConflict(string text, int size)
    {
        var (index, problem) = FindConflictAt(text, size);
        return problem == null ? null : index < 0 ? problem : $"cell {index + 1} (row {index / size + 1}, column {index % size + 1}): {problem}";
    }

    /// <summary>The first violation as (0-based index of the offending character, problem); (−1, null) when none.</summary>
    internal static (int Index, string? Problem) FindConflictAt(string text, int size)
    {
        if (text.Length != size * size) return (-1, $"expected {size * size} characters, found {text.Length}");
        int box = size == 4 ? 2 : 3;
        for (int i = 0; i < text.Length; i++)
        {
            int d = Digit(text[i], size);
            if (d < 0) return (i, $"expected a digit 1-{size}, '.' or '0', found '{text[i]}'");
            if (d == 0) continue;
            int r = i / size, c = i % size;
            for (int j = 0; j < i; j++)
            {
                if (text[j] != text[i]) continue;
                int r2 = j / size, c2 = j % size;
                string? unit = r2 == r ? $"row {r + 1}" : c2 == c ? $"column {c + 1}" : r2 / box == r / box && c2 / box == c / box ? $"box {r / box * box + c / box + 1}" : null;
                if (unit != null)
                    return (i, $"the givens conflict: digit {d} at grid row {r + 1}, column {c + 1} repeats in {unit} (already at grid row {r2 + 1}, column {c2 + 1})");
            }
        }
        return (-1, null);
    }

    /// <summary>True when the text is a complete grid (no blanks) that satisfies every row, column and box.</summary>
    public static bool IsValidSolution(string text, int size)
    {
        if (text.Length != size * size) return false;
        foreach (char c in text) if (Digit(c, size) <= 0) return false;
        return FindConflict(text, size) == null;
    }

    /// <summary>True when every given of <paramref name="puzzle"/> has the same digit in <paramref name="solution"/>.</summary>
    public static bool KeepsGivens(string puzzle, string solution, int size)
    {
        if (puzzle.Length != solution.Length) return false;
        for (int i = 0; i < puzzle.Length; i++)
            if (Digit(puzzle[i], size) > 0 && puzzle[i] != solution[i]) return false;
        return true;
    }

    /// <summary>Number of givens (non-blank cells).</summary>
    public static int CountGivens(string text, int size) => text.Count(c => Digit(c, size) > 0);
}
