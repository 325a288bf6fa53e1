using Microsoft.ML.Trm.Data;

namespace Microsoft.ML.Trm;

/// <summary>
/// Estimator of a <see cref="PuzzleCodecTransformer"/> (ML.NET's TrivialEstimator idea: nothing to learn, so
/// <c>Fit</c> checks the input schema and returns the one transformer).
/// </summary>
/// <typeparam name="TTransformer">The codec stage returned by <c>Fit</c>.</typeparam>
public abstract class PuzzleCodecEstimator<TTransformer> : IEstimator<TTransformer> where TTransformer : PuzzleCodecTransformer
{
    private readonly TTransformer _transformer;

    private protected PuzzleCodecEstimator(TTransformer transformer) => _transformer = transformer;

    /// <summary>Checks the input schema (vector sizes included) and returns the transformer.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The input column is missing or has the wrong type or length; the message names it.</exception>
    public TTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        _transformer.GetOutputSchema(input.Schema);
        return _transformer;
    }

    /// <summary>The input shape with the output column appended (vector sizes are not known here; <c>Fit</c> checks them).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The input column is missing or has the wrong kind or type; the message names it.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) => _transformer.GetOutputSchema(inputSchema);
}
