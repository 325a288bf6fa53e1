namespace Microsoft.ML.Trm.Data;

/// <summary>
/// Square mazes as row-major text: '#' wall, ' ' open cell, 'S' start, 'G' goal, 'o' a cell of the path
/// (solutions only). Spaces are significant: never trim maze text.
/// </summary>
/// <remarks>Tokens (as the reference's build_maze_dataset.py): 0 = PAD, 1 = '#', 2 = ' ', 3 = 'S', 4 = 'G', 5 = 'o'.</remarks>
public sealed class MazeCodec : PuzzleCodec
{
    /// <summary>The characters of tokens 1..5.</summary>
    public const string Alphabet = "# SGo";

    /// <summary>Creates a codec for mazes of the given side (30 for Maze-Hard).</summary>
    public MazeCodec(int size = 30)
    {
        if (size < 2 || size > 30)
            throw new ArgumentOutOfRangeException(nameof(size), size, "Maze size must be between 2 and 30.");
        Size = size;
    }

    /// <summary>Side of the maze.</summary>
    public int Size { get; }

    /// <inheritdoc />
    public override string Name => "maze";

    /// <inheritdoc />
    public override string Id => $"maze:{Size}";

    /// <inheritdoc />
    public override int VocabSize => 6;

    /// <inheritdoc />
    public override int SequenceLength => Size * Size;

    /// <inheritdoc />
    public override int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length != SequenceLength)
            throw new PuzzleFormatException($"maze: expected {SequenceLength} characters ({Size}×{Size}), found {text.Length}.");
        var tokens = new int[SequenceLength];
        for (int i = 0; i < text.Length; i++)
        {
            int k = Alphabet.IndexOf(text[i]);
            if (k < 0)
                throw new PuzzleFormatException($"maze: character '{text[i]}' at position {i} (row {i / Size + 1}, column {i % Size + 1}) is not one of '#', ' ', 'S', 'G', 'o'.");
            tokens[i] = k + 1;
        }
        return tokens;
    }

    /// <inheritdoc />
    public override string Decode(ReadOnlySpan<int> tokens)
    {
        CheckTokens(tokens);
        var chars = new char[tokens.Length];
        for (int i = 0; i < tokens.Length; i++)
            chars[i] = tokens[i] == Pad ? ' ' : Alphabet[tokens[i] - 1];
        return new string(chars);
    }
}
