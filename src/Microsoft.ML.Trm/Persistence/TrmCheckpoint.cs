namespace Microsoft.ML.Trm.Checkpoints;

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
