using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.ML.Trm.Model;
using static TorchSharp.torch;

namespace Microsoft.ML.Trm.Training;

/// <summary>
/// A complete training state, so a resumed run continues exactly where the interrupted one stopped: raw weights
/// and buffers, optimiser moments and step count, EMA shadows, the carry (rows mid-way through their supervision
/// steps), the exploration generator and the position in the sample sequence (sampling iteration and batches used).
/// </summary>
/// <remarks>
/// File <c>checkpoint.trmckpt</c>: "TRMCKPT1"; int32 format version (2; 1 counted plain epochs of rows); string JSON meta; tensor archive
/// (<see cref="TensorArchive"/>) with entries "net.*", "opt.m.*", "opt.v.*", "ema.*", "carry.*", "rng".
/// Written to a temporary file in the same folder, flushed, then renamed over the old checkpoint, so a crash at any
/// moment leaves either the previous or the new checkpoint complete.
/// </remarks>
internal static class TrainingCheckpoint
{
    public const string FileName = "checkpoint.trmckpt";
    private const string Magic = "TRMCKPT1";
    private const int FormatVersion = 2;

    public sealed record Meta
    {
        [JsonPropertyName("format_version")] public int FormatVersion { get; init; }
        [JsonPropertyName("step")] public long Step { get; init; }
        [JsonPropertyName("iteration")] public int Iteration { get; init; }
        [JsonPropertyName("batch_in_iteration")] public int BatchInIteration { get; init; }
        [JsonPropertyName("optimizer_steps")] public long OptimizerSteps { get; init; }
        [JsonPropertyName("data_fingerprint")] public string DataFingerprint { get; init; } = "";
        [JsonPropertyName("architecture")] public TrmArchitecture Architecture { get; init; } = new();
        [JsonPropertyName("has_carry")] public bool HasCarry { get; init; }
    }

    public static string PathIn(string directory) => Path.Combine(directory, FileName);

    public static void Save(string directory, TrmTrainingLoop loop, int iteration, int batchInIteration, string dataFingerprint)
    {
        Directory.CreateDirectory(directory);
        var path = PathIn(directory);
        var temp = path + $".tmp-{Environment.ProcessId}";
        var tensors = new List<(string, Tensor)>();
        tensors.AddRange(loop.Network.state_dict().Select(kv => ("net." + kv.Key, kv.Value)));
        foreach (var (name, m, v) in loop.Optimizer.State()) { tensors.Add(("opt.m." + name, m)); tensors.Add(("opt.v." + name, v)); }
        if (loop.Ema is { } ema) tensors.AddRange(ema.State().Select(s => ("ema." + s.Name, s.Shadow)));
        if (loop.Carry is { } carry) tensors.AddRange(carry.Named().Select(c => ("carry." + c.Name, c.Tensor)));
        using var rng = loop.Generator.get_state();
        tensors.Add(("rng", rng));
        var meta = new Meta
        {
            FormatVersion = FormatVersion, Step = loop.Step, Iteration = iteration, BatchInIteration = batchInIteration,
            OptimizerSteps = loop.Optimizer.StepCount, DataFingerprint = dataFingerprint,
            Architecture = loop.Network.Architecture, HasCarry = loop.Carry is not null,
        };
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
            {
                writer.Write(Encoding.ASCII.GetBytes(Magic));
                writer.Write(FormatVersion);
                writer.Write(JsonSerializer.Serialize(meta, TrmModelFile.Json));
                TensorArchive.Write(writer, tensors);
            }
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Restores <paramref name="loop"/> from the checkpoint; returns (sampling iteration, batches of it used).</summary>
    public static (int Iteration, int BatchInIteration) Load(string directory, TrmTrainingLoop loop, string dataFingerprint)
    {
        var path = PathIn(directory);
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        Meta meta;
        Dictionary<string, Tensor> tensors;
        try
        {
            var magic = Encoding.ASCII.GetString(reader.ReadBytes(Magic.Length));
            if (magic != Magic) throw new InvalidDataException($"{path} is not a TRM training checkpoint.");
            int version = reader.ReadInt32();
            if (version != FormatVersion) throw new InvalidDataException($"{path} has checkpoint format {version}; this library reads {FormatVersion}.");
            meta = JsonSerializer.Deserialize<Meta>(reader.ReadString(), TrmModelFile.Json) ?? throw new InvalidDataException($"{path}: empty header.");
            var index = TensorArchive.ReadIndex(reader, path);
            if (meta.Architecture != loop.Network.Architecture)
                throw new InvalidDataException($"{path} was written for another architecture ({JsonSerializer.Serialize(meta.Architecture, TrmModelFile.Json)}); it cannot resume this run.");
            TrmModelFile.CheckClaims(meta.Architecture, index, "net.", path);
            tensors = TensorArchive.Load(reader, index, path);
        }
        catch (EndOfStreamException e) { throw new InvalidDataException($"{path} is truncated.", e); }
        catch (JsonException e) { throw new InvalidDataException($"{path}: the header is not valid JSON ({e.Message}).", e); }
        try
        {
            if (meta.DataFingerprint != dataFingerprint)
                throw new InvalidDataException($"{path} was written while training on other data or with other sampling options (batch, seed, epochs, augmentation); resuming would not continue the same run.");
            TrmModelFile.LoadInto(loop.Network, Prefixed(tensors, "net."), path);
            loop.Optimizer.LoadState(meta.OptimizerSteps, loop.Optimizer.State().ToDictionary(s => s.Name, s => (tensors["opt.m." + s.Name], tensors["opt.v." + s.Name])));
            loop.Ema?.LoadState(Prefixed(tensors, "ema."));
            var carry = meta.HasCarry ? TrmCarry.FromNamed(Prefixed(tensors, "carry."), loop.Device) : null;
            loop.Restore(meta.Step, carry);
            loop.Generator.set_state(tensors["rng"]);
            return (meta.Iteration, meta.BatchInIteration);
        }
        catch (KeyNotFoundException e) { throw new InvalidDataException($"{path} is missing a tensor ({e.Message}).", e); }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    private static Dictionary<string, Tensor> Prefixed(Dictionary<string, Tensor> tensors, string prefix)
        => tensors.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value);
}
