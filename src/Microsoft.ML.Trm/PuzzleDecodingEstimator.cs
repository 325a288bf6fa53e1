using Microsoft.ML.Data;
using Microsoft.ML.Trm.Data;
using Microsoft.ML.Trm.MlNet;

namespace Microsoft.ML.Trm;

/// <summary>
/// Estimator of <see cref="PuzzleDecodingTransformer"/> (nothing to learn): token vector → text.
/// Created by <see cref="TrmCatalog.DecodePuzzle(TransformsCatalog, string, string, PuzzleCodec)"/>.
/// </summary>
public sealed class PuzzleDecodingEstimator : IEstimator<PuzzleDecodingTransformer>
{
    private readonly string _outputColumnName;
    private readonly string _inputColumnName;
    private readonly PuzzleCodec _codec;

    internal PuzzleDecodingEstimator(string outputColumnName, string inputColumnName, PuzzleCodec codec)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputColumnName);
        ArgumentException.ThrowIfNullOrEmpty(inputColumnName);
        ArgumentNullException.ThrowIfNull(codec);
        _outputColumnName = outputColumnName;
        _inputColumnName = inputColumnName;
        _codec = codec;
    }

    /// <summary>Checks the input schema (vector sizes included) and returns the transformer.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The input column is missing or has the wrong type or length.</exception>
    public PuzzleDecodingTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var transformer = new PuzzleDecodingTransformer(_outputColumnName, _inputColumnName, _codec);
        transformer.GetOutputSchema(input.Schema);
        return transformer;
    }

    /// <summary>The input shape with a text column appended (vector sizes are not known here; Fit checks them).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The input column is missing or is not a known-size vector of Int32 or Single.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        PuzzleDecodingTransformer.InputRequirement(_codec).Check(inputSchema, _inputColumnName);
        return SchemaShapes.Append(inputSchema, new[] { (_outputColumnName, (DataViewType)TextDataViewType.Instance) });
    }
}
