using Microsoft.ML.Trm;
using Microsoft.ML.Trm.Data;

namespace Microsoft.ML;

/// <summary>
/// TRM entry points on <c>mlContext.Transforms</c>. This part holds the puzzle codec transforms (text ⇄ tokens).
/// </summary>
public static partial class TrmCatalog
{
    /// <summary>
    /// Encodes puzzle text into tokens. Reads <paramref name="inputColumnName"/> (String); writes
    /// <paramref name="outputColumnName"/> (known-size <c>Vector&lt;Int32&gt;</c> of <see cref="PuzzleCodec.SequenceLength"/> tokens).
    /// Text the codec rejects throws <see cref="PuzzleFormatException"/> naming the column and row.
    /// </summary>
    /// <param name="catalog">The transforms catalog (<c>mlContext.Transforms</c>).</param>
    /// <param name="outputColumnName">Name of the token column to append.</param>
    /// <param name="inputColumnName">Name of the text column to read.</param>
    /// <param name="codec">The codec, e.g. <c>new SudokuCodec()</c>.</param>
    public static PuzzleEncodingEstimator EncodePuzzle(this TransformsCatalog catalog, string outputColumnName, string inputColumnName, PuzzleCodec codec)
        => new(outputColumnName, inputColumnName, Check(catalog, codec));

    /// <summary>Encodes puzzle text into tokens with the built-in codec of <paramref name="kind"/>; see the <see cref="PuzzleCodec"/> overload.</summary>
    /// <param name="catalog">The transforms catalog (<c>mlContext.Transforms</c>).</param>
    /// <param name="outputColumnName">Name of the token column to append.</param>
    /// <param name="inputColumnName">Name of the text column to read.</param>
    /// <param name="kind">The puzzle family.</param>
    public static PuzzleEncodingEstimator EncodePuzzle(this TransformsCatalog catalog, string outputColumnName, string inputColumnName, PuzzleKind kind)
        => catalog.EncodePuzzle(outputColumnName, inputColumnName, PuzzleKinds.CreateCodec(kind));

    /// <summary>
    /// Decodes tokens into puzzle text. Reads <paramref name="inputColumnName"/> (known-size <c>Vector&lt;Int32&gt;</c> or
    /// <c>Vector&lt;Single&gt;</c> with <see cref="PuzzleCodec.SequenceLength"/> slots); writes <paramref name="outputColumnName"/> (String).
    /// Tokens outside the vocabulary throw <see cref="PuzzleFormatException"/> naming the column and row.
    /// </summary>
    /// <param name="catalog">The transforms catalog (<c>mlContext.Transforms</c>).</param>
    /// <param name="outputColumnName">Name of the text column to append.</param>
    /// <param name="inputColumnName">Name of the token column to read.</param>
    /// <param name="codec">The codec, e.g. <c>new SudokuCodec()</c>.</param>
    public static PuzzleDecodingEstimator DecodePuzzle(this TransformsCatalog catalog, string outputColumnName, string inputColumnName, PuzzleCodec codec)
        => new(outputColumnName, inputColumnName, Check(catalog, codec));

    /// <summary>Decodes tokens into puzzle text with the built-in codec of <paramref name="kind"/>; see the <see cref="PuzzleCodec"/> overload.</summary>
    /// <param name="catalog">The transforms catalog (<c>mlContext.Transforms</c>).</param>
    /// <param name="outputColumnName">Name of the text column to append.</param>
    /// <param name="inputColumnName">Name of the token column to read.</param>
    /// <param name="kind">The puzzle family.</param>
    public static PuzzleDecodingEstimator DecodePuzzle(this TransformsCatalog catalog, string outputColumnName, string inputColumnName, PuzzleKind kind)
        => catalog.DecodePuzzle(outputColumnName, inputColumnName, PuzzleKinds.CreateCodec(kind));

    private static PuzzleCodec Check(TransformsCatalog catalog, PuzzleCodec codec)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(codec);
        return codec;
    }
}
