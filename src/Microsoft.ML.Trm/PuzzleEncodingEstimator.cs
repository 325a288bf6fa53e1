using Microsoft.ML.Data;
using Microsoft.ML.Trm.Data;
using Microsoft.ML.Trm.MlNet;

namespace Microsoft.ML.Trm;

/// <summary>
/// Estimator of <see cref="PuzzleEncodingTransformer"/> (nothing to learn): text column → <c>Vector&lt;Int32&gt;</c> tokens.
/// Created by <see cref="TrmCatalog.EncodePuzzle(TransformsCatalog, string, string, PuzzleCodec)"/>.
/// </summary>
public sealed class PuzzleEncodingEstimator : IEstimator<PuzzleEncodingTransformer>
{
    private readonly string _outputColumnName;
    private readonly string _inputColumnName;
    private readonly PuzzleCodec _codec;

    internal PuzzleEncodingEstimator(string outputColumnName, string inputColumnName, PuzzleCodec codec)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputColumnName);
        ArgumentException.ThrowIfNullOrEmpty(inputColumnName);
        ArgumentNullException.ThrowIfNull(codec);
        _outputColumnName = outputColumnName;
        _inputColumnName = inputColumnName;
        _codec = codec;
    }

    /// <summary>Checks the input schema and returns the transformer.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The input column is missing or is not text.</exception>
    public PuzzleEncodingTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var transformer = new PuzzleEncodingTransformer(_outputColumnName, _inputColumnName, _codec);
        transformer.GetOutputSchema(input.Schema);
        return transformer;
    }

    /// <summary>The input shape with a known-size <c>Vector&lt;Int32&gt;</c> column appended.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The input column is missing or is not text.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        ColumnRequirement.Text.Check(inputSchema, _inputColumnName);
        return SchemaShapes.Append(inputSchema, new[] { (_outputColumnName, (DataViewType)new VectorDataViewType(NumberDataViewType.Int32, _codec.SequenceLength)) });
    }
}
