using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using static TorchSharp.torch;

namespace Microsoft.ML.Trm.Model;

/// <summary>
/// The weights payload a <see cref="TrmTransformer"/> stores in its model zip entry <c>TrmModel.bin</c>.
/// </summary>
/// <remarks>
/// *** Binary format ***
///   "TRMMODEL"                 8 ASCII bytes
///   int32   format version      (see history)
///   string  JSON header         {"format_version", "library_version", "architecture": {upstream keys},
///                                "forward_type", "trained_steps", "parameter_count", "options": {...}}
///   tensor archive              <see cref="TensorArchive"/>: every entry of the network's state dict
///                               (EMA weights when EMA was on, plus the buffers H_init, L_init, puzzle_emb.weights)
/// Format history:
///   1 — first release (Microsoft.ML.Trm 0.1).
/// A reader refuses a newer version with a message naming both versions; the shapes of every tensor are checked
/// against the architecture before anything is copied.
/// </remarks>
internal static class TrmModelFile
{
    public const int FormatVersion = 1;
    private const string Magic = "TRMMODEL";

    internal static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = false,
        Converters = { new JsonStringEnumConverter() },
    };

    public sealed record Header
    {
        [JsonPropertyName("format_version")] public int FormatVersion { get; init; }
        [JsonPropertyName("library_version")] public string LibraryVersion { get; init; } = "";
        [JsonPropertyName("architecture")] public TrmArchitecture Architecture { get; init; } = new();
        [JsonPropertyName("trained_steps")] public long TrainedSteps { get; init; }
        [JsonPropertyName("parameter_count")] public long ParameterCount { get; init; }
        [JsonPropertyName("options")] public TrmOptions Options { get; init; } = new();
    }

    public static byte[] Write(TrmNetwork network, TrmOptions options, long trainedSteps)
    {
        using var stream = new MemoryStream();
        Write(stream, network, options, trainedSteps);
        return stream.ToArray();
    }

    /// <summary>Writes the payload to <paramref name="stream"/>; tensors stream in chunks (no size limit of a byte array).</summary>
    public static void Write(Stream stream, TrmNetwork network, TrmOptions options, long trainedSteps)
    {
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Encoding.ASCII.GetBytes(Magic));
            writer.Write(FormatVersion);
            var header = new Header
            {
                FormatVersion = FormatVersion,
                LibraryVersion = typeof(TrmModelFile).Assembly.GetName().Version?.ToString() ?? "",
                Architecture = network.Architecture,
                TrainedSteps = trainedSteps,
                ParameterCount = network.ParameterCount,
                Options = options,
            };
            writer.Write(JsonSerializer.Serialize(header, Json));
            TensorArchive.Write(writer, network.state_dict().Select(kv => (kv.Key, kv.Value)));
        }
    }

    /// <summary>Reads the header and the tensors, without building a network.</summary>
    public static (Header Header, Dictionary<string, Tensor> Tensors) Read(byte[] payload, string source) => Read(new MemoryStream(payload), source);

    /// <summary>Reads the header and the tensors from a seekable stream, without building a network; the header's claims are checked against the stored tensors first.</summary>
    public static (Header Header, Dictionary<string, Tensor> Tensors) Read(Stream stream, string source)
    {
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        try
        {
            var magic = Encoding.ASCII.GetString(reader.ReadBytes(Magic.Length));
            if (magic != Magic) throw new InvalidDataException($"{source} does not hold TRM weights (expected '{Magic}', found '{Printable(magic)}').");
            int version = reader.ReadInt32();
            if (version > FormatVersion)
                throw new InvalidDataException($"{source} was written in TRM model format version {version}; this library reads versions up to {FormatVersion}. Update Microsoft.ML.Trm.");
            if (version < 1) throw new InvalidDataException($"{source} declares an invalid format version {version}.");
            Header header;
            try { header = JsonSerializer.Deserialize<Header>(reader.ReadString(), Json) ?? throw new InvalidDataException($"{source}: empty header."); }
            catch (JsonException e) { throw new InvalidDataException($"{source}: the model header is not valid JSON ({e.Message}).", e); }
            try { header.Architecture.Validate(); }
            catch (ArgumentException e) { throw new InvalidDataException($"{source}: the stored architecture is invalid ({e.Message}).", e); }
            var index = TensorArchive.ReadIndex(reader, source);
            CheckClaims(header.Architecture, index, "", source);
            return (header, TensorArchive.Load(reader, index, source));
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"{source} is truncated.", e);
        }
    }

    /// <summary>Builds the network described by the header and copies the tensors in, checking names and shapes.</summary>
    public static TrmNetwork CreateNetwork(Header header, Dictionary<string, Tensor> tensors, ScalarType forwardType, string source)
    {
        var network = new TrmNetwork(header.Architecture, forwardType, new Generator(0));
        try
        {
            LoadInto(network, tensors, source);
        }
        catch
        {
            network.Dispose();
            throw;
        }
        return network;
    }

    public static void LoadInto(TrmNetwork network, IReadOnlyDictionary<string, Tensor> tensors, string source)
    {
        var state = network.state_dict();
        var missing = state.Keys.Where(k => !tensors.ContainsKey(k)).ToList();
        var unexpected = tensors.Keys.Where(k => !state.ContainsKey(k)).ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
            throw new InvalidDataException($"{source}: the weights do not match the stored architecture." +
                (missing.Count > 0 ? $" Missing: {string.Join(", ", missing)}." : "") +
                (unexpected.Count > 0 ? $" Unexpected: {string.Join(", ", unexpected)}." : ""));
        using var _ = no_grad();
        foreach (var (name, target) in state)
        {
            var value = tensors[name];
            if (!value.shape.SequenceEqual(target.shape))
                throw new InvalidDataException($"{source}: tensor '{name}' has shape [{string.Join(", ", value.shape)}]; the architecture needs [{string.Join(", ", target.shape)}].");
            target.copy_(value.to(target.dtype));
        }
    }

    /// <summary>
    /// Checks what an architecture would allocate against the tensors a file really stores (their shapes were checked
    /// against the file's bytes), before any network is built: a header edited to claim a huge hidden size, vocabulary,
    /// puzzle table, expansion or layer count is refused with a message instead of an allocation of its size.
    /// </summary>
    /// <param name="a">The architecture the header claims.</param>
    /// <param name="index">The stored tensors.</param>
    /// <param name="prefix">Prefix of the network's entries in the archive ("" for a model file, "net." for a checkpoint).</param>
    /// <param name="source">File name for messages.</param>
    internal static void CheckClaims(TrmArchitecture a, IReadOnlyList<TensorArchive.Entry> index, string prefix, string source)
    {
        var shapes = index.Where(e => e.Name.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(e => e.Name[prefix.Length..], e => e.Shape);
        void Expect(string name, params long[] shape)
        {
            if (!shapes.TryGetValue(name, out var stored))
                throw new InvalidDataException($"{source}: the header's architecture needs tensor '{name}' [{string.Join(", ", shape)}], which the file does not hold.");
            if (!stored.SequenceEqual(shape))
                throw new InvalidDataException($"{source}: tensor '{name}' has shape [{string.Join(", ", stored)}] in the file; the header's architecture needs [{string.Join(", ", shape)}] (the header does not match the weights; nothing was allocated).");
        }
        Expect("embed_tokens.embedding_weight", a.VocabSize, a.HiddenSize);
        if (a.PuzzleEmbeddingDim > 0) Expect("puzzle_emb.weights", a.NumPuzzleIdentifiers, a.PuzzleEmbeddingDim);
        if (a.PositionEncoding == TrmPositionEncoding.Learned) Expect("embed_pos.embedding_weight", a.TotalLength, a.HiddenSize);
        int blocks = a.Layers + (a.Kind == TrmArchitectureKind.Hrm ? a.HighLevelLayers : 0);
        int stored = shapes.Keys.Count(k => k.EndsWith(".mlp.gate_up_proj.weight", StringComparison.Ordinal));
        if (stored != blocks)
            throw new InvalidDataException($"{source}: the header claims {blocks} blocks, but the file stores {stored}; the header does not match the weights.");
        Expect("L_level.layers.0.mlp.gate_up_proj.weight", 2L * SwiGlu.InnerSizeFor(a.HiddenSize, a.Expansion), a.HiddenSize);
        if (a.MlpT) Expect("L_level.layers.0.mlp_t.gate_up_proj.weight", 2L * SwiGlu.InnerSizeFor(a.TotalLength, a.Expansion), a.TotalLength);
        // With rotary positions the sequence length only sizes the cos/sin tables (not stored): bound it.
        if (a.TotalLength > MaxSequenceLength)
            throw new InvalidDataException($"{source}: the header claims a sequence of {a.TotalLength:N0} positions (more than {MaxSequenceLength:N0}); refusing to allocate its position tables.");
    }

    /// <summary>Largest sequence (prefix included) a stored architecture may claim.</summary>
    internal const int MaxSequenceLength = 1 << 20;

    private static string Printable(string s) => new(s.Select(c => c < 32 || c > 126 ? '?' : c).ToArray());
}
