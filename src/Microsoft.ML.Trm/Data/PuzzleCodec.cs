namespace Microsoft.ML.Trm.Data;

/// <summary>
/// Turns a puzzle's text form into the fixed-length token sequence TRM reads, and back. Every codec reserves
/// token 0 for padding (<see cref="Pad"/>), which is also the label the loss ignores.
/// </summary>
public abstract class PuzzleCodec
{
    /// <summary>The padding token; as a label it means "no target here" and is ignored by the loss.</summary>
    public const int Pad = 0;

    /// <summary>Short lower-case name of the puzzle family: "sudoku", "maze" or "arc".</summary>
    public abstract string Name { get; }

    /// <summary>Number of distinct tokens, padding included.</summary>
    public abstract int VocabSize { get; }

    /// <summary>Number of tokens in every encoded puzzle.</summary>
    public abstract int SequenceLength { get; }

    /// <summary>Encodes puzzle text into <see cref="SequenceLength"/> tokens.</summary>
    /// <exception cref="PuzzleFormatException">The text does not follow the format; the message says where.</exception>
    public abstract int[] Encode(string text);

    /// <summary>Decodes tokens back into the puzzle's text form.</summary>
    public abstract string Decode(ReadOnlySpan<int> tokens);

    /// <summary>A string that identifies this codec and its parameters, e.g. "sudoku:9"; see <see cref="FromId"/>.</summary>
    public abstract string Id { get; }

    /// <summary>Recreates a codec from its <see cref="Id"/>.</summary>
    public static PuzzleCodec FromId(string id)
    {
        var parts = id.Split(':');
        int Size(int fallback) => parts.Length > 1 && int.TryParse(parts[1], out var s) ? s : fallback;
        return parts[0] switch
        {
            "sudoku" => new SudokuCodec(Size(9)),
            "maze" => new MazeCodec(Size(30)),
            "arc" => new ArcCodec(),
            _ => throw new ArgumentException($"Unknown puzzle codec '{id}': expected sudoku[:4|9], maze[:size] or arc.", nameof(id)),
        };
    }

    /// <summary>Checks a token vector's length and range before decoding.</summary>
    protected void CheckTokens(ReadOnlySpan<int> tokens)
    {
        if (tokens.Length != SequenceLength)
            throw new PuzzleFormatException($"{Name}: expected {SequenceLength} tokens, found {tokens.Length}.");
        for (int i = 0; i < tokens.Length; i++)
            if (tokens[i] < 0 || tokens[i] >= VocabSize)
                throw new PuzzleFormatException($"{Name}: token {tokens[i]} at position {i} is outside the vocabulary 0..{VocabSize - 1}.");
    }
}
