using Microsoft.ML.Trm.Data;

namespace Microsoft.ML.Trm;

/// <summary>
/// Estimator of <see cref="PuzzleDecodingTransformer"/>: token vector → text.
/// Created by <see cref="TrmCatalog.DecodePuzzle(TransformsCatalog, string, string, PuzzleCodec)"/>.
/// </summary>
public sealed class PuzzleDecodingEstimator : PuzzleCodecEstimator<PuzzleDecodingTransformer>
{
    internal PuzzleDecodingEstimator(string outputColumnName, string inputColumnName, PuzzleCodec codec)
        : base(new PuzzleDecodingTransformer(outputColumnName, inputColumnName, codec)) { }
}
