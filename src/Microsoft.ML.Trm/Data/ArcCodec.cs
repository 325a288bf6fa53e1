namespace Microsoft.ML.Trm.Data;

/// <summary>
/// ARC grids (1×1 to 30×30, colours 0-9) on the reference's 30×30 canvas. Text form: rows of digits separated
/// by '|' (a newline is accepted too), e.g. "012|340".
/// </summary>
/// <remarks>
/// Tokens (as the reference's build_arc_dataset.py): 0 = PAD, 1 = EOS, colour c → c + 2. The grid is placed at
/// the top-left corner; an EOS row is written just below it across its columns and an EOS column just right of it
/// across its rows (when inside the canvas; the corner cell stays PAD). Decoding crops the largest top-left
/// rectangle free of PAD and EOS, as the reference's evaluator does.
/// </remarks>
public sealed class ArcCodec : PuzzleCodec
{
    /// <summary>Side of the canvas.</summary>
    public const int CanvasSize = 30;

    /// <summary>End-of-grid marker token.</summary>
    public const int Eos = 1;

    /// <inheritdoc />
    public override string Name => "arc";

    /// <inheritdoc />
    public override string Id => "arc";

    /// <inheritdoc />
    public override int VocabSize => 12;

    /// <inheritdoc />
    public override int SequenceLength => CanvasSize * CanvasSize;

    /// <inheritdoc />
    public override int[] Encode(string text) => EncodeGrid(ParseGrid(text));

    /// <inheritdoc />
    public override string Decode(ReadOnlySpan<int> tokens) => FormatGrid(DecodeGrid(tokens));

    /// <summary>Parses "012|340" (or rows separated by newlines) into a rectangular grid.</summary>
    public static int[][] ParseGrid(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var rows = text.Replace("\r", "").Split(new[] { '|', '\n' }, StringSplitOptions.RemoveEmptyEntries);
        if (rows.Length == 0) throw new PuzzleFormatException("arc: the grid is empty.");
        var grid = new int[rows.Length][];
        for (int r = 0; r < rows.Length; r++)
        {
            grid[r] = new int[rows[r].Length];
            for (int c = 0; c < rows[r].Length; c++)
            {
                char ch = rows[r][c];
                if (ch < '0' || ch > '9')
                    throw new PuzzleFormatException($"arc: character '{ch}' at row {r + 1}, column {c + 1} is not a colour 0-9.");
                grid[r][c] = ch - '0';
            }
        }
        CheckGrid(grid);
        return grid;
    }

    /// <summary>Formats a grid as rows of digits separated by '|'.</summary>
    public static string FormatGrid(int[][] grid) => string.Join('|', grid.Select(row => string.Concat(row.Select(v => (char)('0' + v)))));

    /// <summary>Checks that a grid is rectangular, 1×1 to 30×30, with colours 0-9.</summary>
    public static void CheckGrid(int[][] grid, string? where = null)
    {
        string at = where == null ? "arc" : $"arc ({where})";
        if (grid.Length == 0 || grid[0].Length == 0) throw new PuzzleFormatException($"{at}: the grid is empty.");
        if (grid.Length > CanvasSize || grid[0].Length > CanvasSize)
            throw new PuzzleFormatException($"{at}: the grid is {grid.Length}×{grid[0].Length}; at most {CanvasSize}×{CanvasSize} is allowed.");
        for (int r = 0; r < grid.Length; r++)
        {
            if (grid[r].Length != grid[0].Length)
                throw new PuzzleFormatException($"{at}: ragged grid, row {r + 1} has {grid[r].Length} cells but row 1 has {grid[0].Length}.");
            for (int c = 0; c < grid[r].Length; c++)
                if (grid[r][c] < 0 || grid[r][c] > 9)
                    throw new PuzzleFormatException($"{at}: colour {grid[r][c]} at row {r + 1}, column {c + 1} is outside 0-9.");
        }
    }

    /// <summary>Writes a grid on the canvas at offset (row, column) with its EOS markers.</summary>
    public static int[] EncodeGrid(int[][] grid, int offsetRow = 0, int offsetColumn = 0)
    {
        CheckGrid(grid);
        int h = grid.Length, w = grid[0].Length;
        if (offsetRow < 0 || offsetColumn < 0 || offsetRow + h > CanvasSize || offsetColumn + w > CanvasSize)
            throw new ArgumentOutOfRangeException(nameof(offsetRow), $"A {h}×{w} grid does not fit the canvas at ({offsetRow}, {offsetColumn}).");
        var tokens = new int[CanvasSize * CanvasSize];
        for (int r = 0; r < h; r++)
            for (int c = 0; c < w; c++)
                tokens[(offsetRow + r) * CanvasSize + offsetColumn + c] = grid[r][c] + 2;
        if (offsetRow + h < CanvasSize)
            for (int c = 0; c < w; c++) tokens[(offsetRow + h) * CanvasSize + offsetColumn + c] = Eos;
        if (offsetColumn + w < CanvasSize)
            for (int r = 0; r < h; r++) tokens[(offsetRow + r) * CanvasSize + offsetColumn + w] = Eos;
        return tokens;
    }

    /// <summary>
    /// Crops the largest-area top-left rectangle of colour tokens (no PAD, no EOS) and returns it as a grid; an
    /// empty array when the top-left cell is not a colour. Same scan as the reference's evaluators/arc.py _crop:
    /// row by row, the usable width shrinks to the first non-colour cell, and the best area wins.
    /// </summary>
    public static int[][] DecodeGrid(ReadOnlySpan<int> tokens)
    {
        if (tokens.Length != CanvasSize * CanvasSize)
            throw new PuzzleFormatException($"arc: expected {CanvasSize * CanvasSize} tokens, found {tokens.Length}.");
        int bestArea = 0, bestRows = 0, bestColumns = 0, columns = CanvasSize;
        for (int rows = 1; rows <= CanvasSize; rows++)
        {
            for (int c = 0; c < columns; c++)
                if (!IsColour(tokens[(rows - 1) * CanvasSize + c])) { columns = c; break; }
            if (rows * columns > bestArea) (bestArea, bestRows, bestColumns) = (rows * columns, rows, columns);
        }
        var grid = new int[bestRows][];
        for (int r = 0; r < bestRows; r++)
        {
            grid[r] = new int[bestColumns];
            for (int c = 0; c < bestColumns; c++) grid[r][c] = tokens[r * CanvasSize + c] - 2;
        }
        return grid;
    }

    private static bool IsColour(int token) => token >= 2 && token <= 11;
}
