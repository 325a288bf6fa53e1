namespace Microsoft.ML.Trm.Data;

/// <summary>
/// Sudoku grids of side 4 or 9, row-major text: digits 1..side are givens, '.' or '0' are blanks.
/// </summary>
/// <remarks>
/// Tokens (as the reference's build_sudoku_dataset.py): 0 = PAD, 1 = blank, digit d → d + 1.
/// A 9×9 grid is 81 tokens with a vocabulary of 11; a 4×4 grid is 16 tokens with a vocabulary of 6.
/// </remarks>
public sealed class SudokuCodec : PuzzleCodec
{
    /// <summary>Token of an empty cell.</summary>
    public const int Blank = 1;

    /// <summary>Creates a codec for grids of the given side (4 or 9).</summary>
    public SudokuCodec(int size = 9)
    {
        if (size != 4 && size != 9)
            throw new ArgumentOutOfRangeException(nameof(size), size, "Sudoku size must be 4 or 9.");
        Size = size;
    }

    /// <summary>Side of the grid (4 or 9).</summary>
    public int Size { get; }

    /// <summary>Side of one box (2 or 3).</summary>
    public int BoxSize => Size == 4 ? 2 : 3;

    /// <inheritdoc />
    public override string Name => "sudoku";

    /// <inheritdoc />
    public override string Id => $"sudoku:{Size}";

    /// <inheritdoc />
    public override int VocabSize => Size + 2;

    /// <inheritdoc />
    public override int SequenceLength => Size * Size;

    /// <inheritdoc />
    public override int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length != SequenceLength)
            throw new PuzzleFormatException($"sudoku: expected {SequenceLength} characters, found {text.Length}.");
        var tokens = new int[SequenceLength];
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '.' || c == '0') tokens[i] = Blank;
            else if (c >= '1' && c <= '0' + Size) tokens[i] = c - '0' + 1;
            else
                throw new PuzzleFormatException($"sudoku: character '{c}' at position {i} (row {i / Size + 1}, column {i % Size + 1}) is not a digit 1-{Size}, '.' or '0'.");
        }
        return tokens;
    }

    /// <inheritdoc />
    public override string Decode(ReadOnlySpan<int> tokens)
    {
        CheckTokens(tokens);
        var chars = new char[tokens.Length];
        for (int i = 0; i < tokens.Length; i++)
            chars[i] = tokens[i] <= Blank ? '.' : (char)('0' + tokens[i] - 1);
        return new string(chars);
    }
}
