using Microsoft.ML.Trm.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Trm.Checkpoints;

/// <summary>
/// The reference TRM/HRM checkpoint layout (trm-spec §9): torch.save(model.state_dict()) of the compiled ACT loss head,
/// keys "_orig_mod.model.inner.&lt;name&gt;" (or "model.inner.&lt;name&gt;" without torch.compile), where &lt;name&gt; are exactly
/// <see cref="TrmNetwork"/>'s state-dict names; every tensor float32 except H_init/L_init (bfloat16).
/// </summary>
internal static class ReferenceCheckpoint
{
    public const string CompiledPrefix = "_orig_mod.model.inner.";
    public const string PlainPrefix = "model.inner.";
    private const string PuzzleTable = "puzzle_emb.weights";

    /// <summary>Reads the file, builds the network it describes and loads every tensor, checking names and shapes.</summary>
    /// <exception cref="TrmCheckpointException">Missing or unexpected keys (all listed by name), wrong shapes (key, expected, found), or an unreadable file.</exception>
    public static (TrmArchitecture Architecture, TrmNetwork Network) Import(string path, ReferenceImportOptions import)
    {
        ArgumentNullException.ThrowIfNull(import);
        var (prefix, tensors, foreign) = ReadTensors(path);
        var arch = ArchitectureOf(path, prefix, tensors, import);
        var network = new TrmNetwork(arch, ScalarType.Float32, new Generator(0));
        try
        {
            var expected = network.state_dict();
            CheckKeys(path, prefix, arch, expected, tensors, foreign);
            CheckShapes(path, prefix, arch, expected, tensors, import.ResizePuzzleEmbeddings);
            CopyInto(expected, tensors);
            return (arch, network);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>The file's tensors under the reference prefix (prefix removed), and the keys without it.</summary>
    private static (string Prefix, Dictionary<string, StoredTensor> Tensors, List<string> Foreign) ReadTensors(string path)
    {
        List<KeyValuePair<string, StoredTensor>> stored;
        try { stored = TorchPickle.Read(path); }
        catch (InvalidDataException e) { throw new TrmCheckpointException(e.Message, e); }
        catch (FileNotFoundException e) { throw new TrmCheckpointException($"Checkpoint '{path}' does not exist.", e); }

        string prefix = stored.Any(kv => kv.Key.StartsWith(CompiledPrefix, StringComparison.Ordinal)) ? CompiledPrefix : PlainPrefix;
        var tensors = new Dictionary<string, StoredTensor>();
        var foreign = new List<string>();
        foreach (var (key, t) in stored)
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal)) tensors[key[prefix.Length..]] = t;
            else foreign.Add(key);
        }
        if (tensors.Count == 0)
            throw new TrmCheckpointException($"'{path}' holds no reference TRM tensors: no key starts with '{CompiledPrefix}' or '{PlainPrefix}' (first keys: {string.Join(", ", stored.Take(5).Select(kv => kv.Key))}).");
        return (prefix, tensors, foreign);
    }

    /// <summary>The architecture: the options, with the vocabulary and the puzzle-table size from the file unless set.</summary>
    private static TrmArchitecture ArchitectureOf(string path, string prefix, Dictionary<string, StoredTensor> tensors, ReferenceImportOptions import)
    {
        var options = import.Options.Clone();
        int vocab = options.VocabSize ?? (tensors.TryGetValue("embed_tokens.embedding_weight", out var emb) ? (int)emb.Shape[0] : 0);
        int fileIds = tensors.TryGetValue(PuzzleTable, out var table) ? (int)table.Shape[0] : 1;
        int ids = import.NumPuzzleIdentifiers ?? options.NumPuzzleIdentifiers ?? fileIds;
        if (vocab <= 0) throw new TrmCheckpointException($"'{path}': cannot tell the vocabulary: key '{prefix}embed_tokens.embedding_weight' is missing and TrmOptions.VocabSize is not set.");
        return options.ToArchitecture(vocab, import.SequenceLength, ids);
    }

    private static void CheckKeys(string path, string prefix, TrmArchitecture arch, IDictionary<string, Tensor> expected,
        Dictionary<string, StoredTensor> tensors, List<string> foreign)
    {
        var missing = expected.Keys.Where(k => !tensors.ContainsKey(k)).Select(k => prefix + k).ToList();
        var unexpected = tensors.Keys.Where(k => !expected.ContainsKey(k)).Select(k => prefix + k).Concat(foreign).ToList();
        if (missing.Count == 0 && unexpected.Count == 0) return;
        var parts = new List<string>();
        if (missing.Count > 0) parts.Add($"missing keys ({missing.Count}): {string.Join(", ", missing)}");
        if (unexpected.Count > 0) parts.Add($"unexpected keys ({unexpected.Count}): {string.Join(", ", unexpected)}");
        throw new TrmCheckpointException($"'{path}' does not match the {Describe(arch)}: {string.Join("; ", parts)}.");
    }

    private static void CheckShapes(string path, string prefix, TrmArchitecture arch, IDictionary<string, Tensor> expected,
        Dictionary<string, StoredTensor> tensors, bool resizePuzzleEmbeddings)
    {
        var wrong = new List<string>();
        foreach (var (name, target) in expected)
        {
            var t = tensors[name];
            if (t.Shape.SequenceEqual(target.shape)) continue;
            bool resizable = name == PuzzleTable && resizePuzzleEmbeddings && t.Shape.Length == 2 && t.Shape[1] == target.shape[1];
            if (!resizable) wrong.Add($"{prefix}{name}: expected [{string.Join(", ", target.shape)}], found [{string.Join(", ", t.Shape)}]");
        }
        if (wrong.Count > 0)
            throw new TrmCheckpointException($"'{path}' has tensors of the wrong shape for the {Describe(arch)}: {string.Join("; ", wrong)}" +
                (wrong.Any(w => w.StartsWith(prefix + PuzzleTable, StringComparison.Ordinal)) ? " (set ResizePuzzleEmbeddings to reset the puzzle table to its row mean)." : "."));
    }

    /// <summary>Copies every stored tensor into the network; a resized puzzle table gets the file's row mean in every row.</summary>
    private static void CopyInto(IDictionary<string, Tensor> expected, Dictionary<string, StoredTensor> tensors)
    {
        using var _ = no_grad();
        foreach (var (name, target) in expected)
        {
            var t = tensors[name];
            using var source = t.ToTensor();
            if (name == PuzzleTable && !t.Shape.SequenceEqual(target.shape))
            {
                using var mean = source.mean(new long[] { 0 }, keepdim: true);
                target.copy_(mean.expand(target.shape));
            }
            else target.copy_(source);
        }
    }

    /// <summary>
    /// Writes <paramref name="network"/> in the reference layout: keys <paramref name="prefix"/> + state-dict name in the
    /// reference order (H_init, L_init, then the submodules as registered), H_init/L_init as bfloat16, everything else float32.
    /// </summary>
    public static void Export(TrmNetwork network, string path, string prefix = CompiledPrefix)
    {
        ArgumentNullException.ThrowIfNull(network);
        var tensors = new List<(string, string, long[], float[])>();
        using (no_grad())
        {
            // PyTorch order: the module's own buffers (H_init, L_init) first, then the children in registration order.
            var state = network.state_dict();
            foreach (var (name, t) in state.Where(kv => kv.Key.EndsWith("_init", StringComparison.Ordinal) && !kv.Key.Contains('.'))
                         .Concat(state.Where(kv => !(kv.Key.EndsWith("_init", StringComparison.Ordinal) && !kv.Key.Contains('.')))))
            {
                using var cpu = t.detach().to(ScalarType.Float32).cpu().contiguous();
                string dtype = name is "H_init" or "L_init" ? "bfloat16" : "float32";
                tensors.Add((prefix + name, dtype, t.shape, cpu.data<float>().ToArray()));
            }
        }
        TorchPickle.Write(path, tensors, Path.GetFileName(path) is { Length: > 0 } n && n.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-') ? n : "archive");
    }

    private static string Describe(TrmArchitecture a) =>
        $"{a.Kind} network (hidden {a.HiddenSize}, {a.Layers} layers{(a.Kind == TrmArchitectureKind.Hrm ? $" + {a.HighLevelLayers} H layers" : "")}, {(a.MlpT ? "MLP-T" : "attention")}, vocab {a.VocabSize}, seq {a.SequenceLength}+{a.PrefixLength}, {a.NumPuzzleIdentifiers} puzzle ids)";
}
