using Microsoft.ML.Trm.Inference;
using Microsoft.ML.Trm.Model;
using Microsoft.ML.Trm.Training;
using static TorchSharp.torch;

namespace Microsoft.ML.Trm.Checkpoints;

/// <summary>A checkpoint that does not fit: unreadable, not a reference checkpoint, or keys/shapes that disagree with the model.</summary>
public sealed class TrmCheckpointException : IOException
{
    /// <summary>Creates the exception.</summary>
    public TrmCheckpointException(string message, Exception? inner = null) : base(message, inner) { }
}

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

/// <summary>
/// Import and export of reference PyTorch checkpoints (trm-spec §9): a torch.save'd state dict whose keys start with
/// "_orig_mod.model.inner." (or "model.inner."), float32 weights and bfloat16 H_init/L_init. The reader is tensor-only: it
/// accepts nothing but OrderedDict, tensor-rebuild calls and storage types, and refuses any other pickle global.
/// </summary>
public static class TrmCheckpoint
{
    /// <summary>Key prefix written by the reference training script (torch.compile'd ACT loss head).</summary>
    public const string CompiledKeyPrefix = ReferenceCheckpoint.CompiledPrefix;

    /// <summary>Key prefix without torch.compile (DISABLE_COMPILE).</summary>
    public const string PlainKeyPrefix = ReferenceCheckpoint.PlainPrefix;

    /// <summary>
    /// Loads a reference checkpoint. <paramref name="options"/> supplies what the file cannot tell (e.g. a preset:
    /// heads, T, n, N_sup, mixer, positional encoding, prefix length, HRM or TRM); the vocabulary and the puzzle-table size
    /// come from the file unless set. Every key and shape is checked.
    /// </summary>
    /// <param name="path">The checkpoint file (e.g. checkpoints/Sudoku-extreme-1k-aug-1000-ACT-torch/&lt;run&gt;/step_65100).</param>
    /// <param name="options">Model options, e.g. <c>TrmPresets.Create("sudoku-mlp")</c>.</param>
    /// <param name="sequenceLength">Grid length: 81 for Sudoku, 900 for Maze and ARC.</param>
    /// <param name="numPuzzleIdentifiers">Puzzle-table rows to build; null = as in the file.</param>
    /// <param name="resizePuzzleEmbeddings">If the file's table has another row count, use its row mean for every row (upstream load_checkpoint).</param>
    /// <exception cref="TrmCheckpointException">The file is not a checkpoint, or keys/shapes disagree (all named in the message).</exception>
    public static TrmReferenceModel ImportReference(string path, TrmOptions options, int sequenceLength, int? numPuzzleIdentifiers = null, bool resizePuzzleEmbeddings = false)
    {
        ArgumentNullException.ThrowIfNull(options);
        var (arch, network) = ReferenceCheckpoint.Import(path, new ReferenceImportOptions
        {
            Options = options, SequenceLength = sequenceLength, NumPuzzleIdentifiers = numPuzzleIdentifiers, ResizePuzzleEmbeddings = resizePuzzleEmbeddings,
        });
        var resolved = options.Clone();
        resolved.VocabSize = arch.VocabSize;
        resolved.NumPuzzleIdentifiers = arch.NumPuzzleIdentifiers;
        return new TrmReferenceModel(resolved, arch, network);
    }

    /// <summary>Writes a trained transformer's weights (its EMA weights when EMA was on) in the reference layout.</summary>
    public static void ExportReference(TrmTransformer transformer, string path, string keyPrefix = CompiledKeyPrefix)
    {
        ArgumentNullException.ThrowIfNull(transformer);
        ReferenceCheckpoint.Export(transformer.Network, path, keyPrefix);
    }

    /// <summary>Writes <paramref name="model"/> in the reference layout (keys <paramref name="keyPrefix"/> + name, bfloat16 H_init/L_init).</summary>
    public static void ExportReference(TrmReferenceModel model, string path, string keyPrefix = CompiledKeyPrefix)
    {
        ArgumentNullException.ThrowIfNull(model);
        ReferenceCheckpoint.Export(model.Network, path, keyPrefix);
    }
}
