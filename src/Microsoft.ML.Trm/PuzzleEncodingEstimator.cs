using Microsoft.ML.Trm.Data;

namespace Microsoft.ML.Trm;

/// <summary>
/// Estimator of <see cref="PuzzleEncodingTransformer"/>: text column → <c>Vector&lt;Int32&gt;</c> tokens.
/// Created by <see cref="TrmCatalog.EncodePuzzle(TransformsCatalog, string, string, PuzzleCodec)"/>.
/// </summary>
public sealed class PuzzleEncodingEstimator : PuzzleCodecEstimator<PuzzleEncodingTransformer>
{
    internal PuzzleEncodingEstimator(string outputColumnName, string inputColumnName, PuzzleCodec codec)
        : base(new PuzzleEncodingTransformer(outputColumnName, inputColumnName, codec)) { }
}
