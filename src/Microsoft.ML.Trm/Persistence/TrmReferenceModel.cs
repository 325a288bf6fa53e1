using Microsoft.ML.Trm.Inference;
using Microsoft.ML.Trm.Model;
using static TorchSharp.torch;

namespace Microsoft.ML.Trm.Checkpoints;

/// <summary>
/// A network loaded from (or to be written as) a reference PyTorch checkpoint of SamsungSAILMontreal/TinyRecursiveModels
/// (or sapientinc/HRM). Holds the network and the options it was built from.
/// </summary>
public sealed class TrmReferenceModel : IDisposable
{
    internal TrmReferenceModel(TrmOptions options, TrmArchitecture architecture, TrmNetwork network)
    {
        (Options, Architecture, Network) = (options, architecture, network);
    }

    /// <summary>The options the network was built from (vocabulary and identifier count filled in from the file).</summary>
    public TrmOptions Options { get; }

    internal TrmArchitecture Architecture { get; }
    internal TrmNetwork Network { get; }

    /// <summary>Grid length (without the puzzle prefix).</summary>
    public int SequenceLength => Architecture.SequenceLength;

    /// <summary>Token vocabulary including PAD.</summary>
    public int VocabSize => Architecture.VocabSize;

    /// <summary>Rows of the puzzle-embedding table.</summary>
    public int NumPuzzleIdentifiers => Architecture.NumPuzzleIdentifiers;

    /// <summary>Trainable parameters (the puzzle table is a buffer and not counted, as upstream num_params).</summary>
    public long ParameterCount => Network.ParameterCount;

    /// <summary>Runs all supervision steps on token rows (each of <see cref="SequenceLength"/> tokens) and returns the predicted tokens.</summary>
    public int[][] Predict(IReadOnlyList<int[]> tokens, IReadOnlyList<int>? puzzleIds = null)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var result = TrmInference.Run(Network, CPU, TokenBatch.FromRows(tokens, puzzleIds, SequenceLength, nameof(tokens)));
        return Enumerable.Range(0, result.Count).Select(i => result.TokensOf(i).ToArray()).ToArray();
    }

    private bool _transferred;

    /// <summary>
    /// Turns the imported network into a <see cref="TrmTransformer"/> (on the CPU) that reads <see cref="TrmOptions.InputColumnName"/>
    /// and saves as a standard ML.NET model zip. The transformer takes over the network: dispose the transformer, not this object.
    /// </summary>
    public TrmTransformer ToTransformer()
    {
        if (_transferred) throw new InvalidOperationException("This reference model was already turned into a transformer.");
        _transferred = true;
        return new TrmTransformer(Network, Options, CPU, trainedSteps: 0);
    }

    /// <summary>Releases the network's tensors (unless a transformer took them over).</summary>
    public void Dispose()
    {
        if (!_transferred) Network.Dispose();
    }
}
