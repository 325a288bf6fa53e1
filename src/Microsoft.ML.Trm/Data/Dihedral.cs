namespace Microsoft.ML.Trm.Data;

/// <summary>
/// The 8 symmetries of a rectangle, numbered as numpy's <c>dihedral_transform</c> in the reference's
/// dataset/common.py: 0 identity, 1 <c>np.rot90(k=1)</c> (counter-clockwise), 2 <c>rot90(k=2)</c>,
/// 3 <c>rot90(k=3)</c> (clockwise), 4 <c>np.fliplr</c>, 5 <c>np.flipud</c>, 6 transpose, 7 <c>fliplr(rot90(k=1))</c>
/// (anti-diagonal transpose).
/// </summary>
internal static class Dihedral
{
    /// <summary>Number of transforms.</summary>
    public const int Count = 8;

    private static readonly int[] Inverses = { 0, 3, 2, 1, 4, 5, 6, 7 };

    /// <summary>The id of the inverse transform (the reference's DIHEDRAL_INVERSE).</summary>
    public static int Inverse(int id) => Inverses[Check(id)];

    /// <summary>True when transform <paramref name="id"/> swaps the number of rows and columns.</summary>
    public static bool SwapsShape(int id) => Check(id) is 1 or 3 or 6 or 7;

    /// <summary>Applies transform <paramref name="id"/> to a rectangular grid and returns a new grid.</summary>
    public static T[][] Apply<T>(T[][] grid, int id)
    {
        ArgumentNullException.ThrowIfNull(grid);
        int h = grid.Length, w = h == 0 ? 0 : grid[0].Length;
        bool swap = SwapsShape(id);
        int oh = swap ? w : h, ow = swap ? h : w;
        var result = new T[oh][];
        for (int i = 0; i < oh; i++)
        {
            var row = result[i] = new T[ow];
            for (int j = 0; j < ow; j++)
            {
                var (r, c) = Source(id, i, j, h, w);
                row[j] = grid[r][c];
            }
        }
        return result;
    }

    /// <summary>Applies transform <paramref name="id"/> to square row-major text (a maze or Sudoku grid).</summary>
    public static string Apply(string text, int size, int id)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length != size * size) throw new ArgumentException($"Expected {size * size} characters, found {text.Length}.", nameof(text));
        Check(id);
        var chars = new char[text.Length];
        for (int i = 0; i < size; i++)
            for (int j = 0; j < size; j++)
            {
                var (r, c) = Source(id, i, j, size, size);
                chars[i * size + j] = text[r * size + c];
            }
        return new string(chars);
    }

    /// <summary>The source cell (row, column) of output cell (i, j) for an input of h rows and w columns.</summary>
    private static (int, int) Source(int id, int i, int j, int h, int w) => id switch
    {
        0 => (i, j),
        1 => (j, w - 1 - i),
        2 => (h - 1 - i, w - 1 - j),
        3 => (h - 1 - j, i),
        4 => (i, w - 1 - j),
        5 => (h - 1 - i, j),
        6 => (j, i),
        _ => (h - 1 - j, w - 1 - i),
    };

    private static int Check(int id) =>
        id is >= 0 and < Count ? id : throw new ArgumentOutOfRangeException(nameof(id), id, "Dihedral transform ids are 0-7.");
}
