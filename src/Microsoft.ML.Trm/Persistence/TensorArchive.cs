using System.Text;
using static TorchSharp.torch;

namespace Microsoft.ML.Trm.Model;

/// <summary>
/// A plain, data-only container of named tensors: nothing in it is code or a type name, so reading it can only
/// produce tensors. Used for model weights and training checkpoints. Tensors stream in chunks of at most
/// <see cref="ChunkBytes"/>, so a tensor of 2 GiB or more (the ARC-AGI-2 puzzle table is 2.44 GB) is written and read
/// without one byte array of its size.
/// </summary>
/// <remarks>
/// Layout (little-endian): "TRMTENS1"; int32 count; then per tensor: string name (BinaryWriter form),
/// byte dtype (<see cref="ScalarType"/> value: Float32, BFloat16, Float16, Float64, Int64, Int32, Bool, Byte);
/// int32 rank; int64[rank] shape; int64 byte count; raw bytes (row-major, contiguous).
/// Reading a seekable stream first indexes every entry (names, shapes, sizes, all checked against the bytes the stream
/// really holds) and only then allocates, so a header that claims more than the file holds is refused before any
/// allocation.
/// </remarks>
internal static class TensorArchive
{
    private const string Magic = "TRMTENS1";

    /// <summary>Largest piece copied at once between a tensor and the stream.</summary>
    internal const int ChunkBytes = 64 << 20;

    private static readonly HashSet<ScalarType> Allowed = new()
    {
        ScalarType.Float32, ScalarType.BFloat16, ScalarType.Float16, ScalarType.Float64,
        ScalarType.Int64, ScalarType.Int32, ScalarType.Bool, ScalarType.Byte,
    };

    /// <summary>One stored tensor: name, element type, shape, and where its bytes start in the stream.</summary>
    public sealed record Entry(string Name, ScalarType DType, long[] Shape, long ByteCount, long Offset)
    {
        public long Elements => Shape.Aggregate(1L, (a, d) => a * d);
    }

    public static void Write(BinaryWriter writer, IEnumerable<(string Name, Tensor Tensor)> tensors)
    {
        var list = tensors.ToList();
        writer.Write(Encoding.ASCII.GetBytes(Magic));
        writer.Write(list.Count);
        foreach (var (name, t) in list)
        {
            if (!Allowed.Contains(t.dtype)) throw new NotSupportedException($"Tensor '{name}' has dtype {t.dtype}, which the archive does not store.");
            using var cpu = t.detach().cpu().contiguous();
            writer.Write(name);
            writer.Write((byte)cpu.dtype);
            writer.Write(cpu.shape.Length);
            foreach (var d in cpu.shape) writer.Write(d);
            int size = ElementSize(cpu.dtype);
            writer.Write(cpu.numel() * size);
            using var flat = cpu.reshape(-1);
            long step = ChunkBytes / size;
            for (long start = 0; start < flat.shape[0]; start += step)
            {
                long n = Math.Min(step, flat.shape[0] - start);
                using var slice = flat.narrow(0, start, n);
                using var piece = slice.clone();   // own storage at offset 0
                writer.Write(piece.bytes);
            }
        }
    }

    /// <summary>Reads every tensor (on the CPU). Throws <see cref="InvalidDataException"/> on anything malformed.</summary>
    public static Dictionary<string, Tensor> Read(BinaryReader reader, string source) => Load(reader, ReadIndex(reader, source), source);

    /// <summary>
    /// Reads the entry headers without allocating a tensor, checking each declared size against its shape and against
    /// the bytes left in the stream; leaves the reader at the first entry (seekable streams) so <see cref="Load"/> can follow.
    /// </summary>
    public static IReadOnlyList<Entry> ReadIndex(BinaryReader reader, string source)
    {
        var stream = reader.BaseStream;
        try
        {
            var magic = Encoding.ASCII.GetString(reader.ReadBytes(Magic.Length));
            if (magic != Magic) throw new InvalidDataException($"{source} is not a TRM tensor archive (expected '{Magic}', found '{magic}').");
            int count = reader.ReadInt32();
            if (count < 0 || count > 100_000) throw new InvalidDataException($"{source}: implausible tensor count {count}.");
            if (!stream.CanSeek) throw new NotSupportedException($"{source}: tensor archives are read from seekable streams.");
            long first = stream.Position;
            var entries = new List<Entry>(count);
            var names = new HashSet<string>();
            for (int i = 0; i < count; i++)
            {
                var entry = ReadEntryHeader(reader, source);
                long left = stream.Length - stream.Position;
                if (entry.ByteCount > left)
                    throw new InvalidDataException($"{source}: tensor '{entry.Name}' of shape [{string.Join(", ", entry.Shape)}] declares {entry.ByteCount:N0} bytes, but only {left:N0} remain; the file is truncated or its header is wrong.");
                if (!names.Add(entry.Name)) throw new InvalidDataException($"{source}: tensor '{entry.Name}' appears twice.");
                entries.Add(entry with { Offset = stream.Position });
                stream.Seek(entry.ByteCount, SeekOrigin.Current);
            }
            stream.Position = first;
            return entries;
        }
        catch (EndOfStreamException e) { throw new InvalidDataException($"{source} is truncated.", e); }
        catch (OverflowException e) { throw new InvalidDataException($"{source} declares a tensor too large to load.", e); }
    }

    /// <summary>Allocates and reads the tensors of <paramref name="index"/> (the reader positioned as <see cref="ReadIndex"/> left it).</summary>
    public static Dictionary<string, Tensor> Load(BinaryReader reader, IReadOnlyList<Entry> index, string source)
    {
        var result = new Dictionary<string, Tensor>();
        try
        {
            for (int i = 0; i < index.Count; i++)
            {
                var entry = ReadEntryHeader(reader, source);
                if (entry.Name != index[i].Name || entry.ByteCount != index[i].ByteCount)
                    throw new InvalidDataException($"{source}: the archive changed while it was read.");
                var t = empty(entry.Shape, entry.DType);
                if (!result.TryAdd(entry.Name, t)) { t.Dispose(); throw new InvalidDataException($"{source}: tensor '{entry.Name}' appears twice."); }
                ReadInto(reader, t, entry, source);
            }
            return result;
        }
        catch (Exception e) when (e is EndOfStreamException or OverflowException or InvalidDataException)
        {
            foreach (var t in result.Values) t.Dispose();
            if (e is InvalidDataException) throw;
            throw new InvalidDataException(e is OverflowException ? $"{source} declares a tensor too large to load." : $"{source} is truncated.", e);
        }
    }

    private static Entry ReadEntryHeader(BinaryReader reader, string source)
    {
        string name = reader.ReadString();
        var dtype = (ScalarType)reader.ReadByte();
        if (!Allowed.Contains(dtype)) throw new InvalidDataException($"{source}: tensor '{name}' has unsupported dtype code {(int)dtype}.");
        int rank = reader.ReadInt32();
        if (rank < 0 || rank > 8) throw new InvalidDataException($"{source}: tensor '{name}' has implausible rank {rank}.");
        var shape = new long[rank];
        long elements = 1;
        for (int d = 0; d < rank; d++)
        {
            shape[d] = reader.ReadInt64();
            if (shape[d] < 0) throw new InvalidDataException($"{source}: tensor '{name}' has a negative dimension.");
            elements = checked(elements * shape[d]);
        }
        long byteCount = reader.ReadInt64();
        long expectedBytes = checked(elements * ElementSize(dtype));
        if (byteCount != expectedBytes)
            throw new InvalidDataException($"{source}: tensor '{name}' declares {byteCount} bytes, its shape [{string.Join(", ", shape)}] needs {expectedBytes}.");
        return new Entry(name, dtype, shape, byteCount, -1);
    }

    private static void ReadInto(BinaryReader reader, Tensor target, Entry entry, string source)
    {
        int size = ElementSize(entry.DType);
        using var flat = target.view(-1);
        long step = ChunkBytes / size;
        for (long start = 0; start < entry.Elements; start += step)
        {
            long n = Math.Min(step, entry.Elements - start);
            var bytes = reader.ReadBytes(checked((int)(n * size)));
            if (bytes.Length != n * size) throw new InvalidDataException($"{source}: tensor '{entry.Name}' is truncated.");
            using var piece = empty(new[] { n }, entry.DType);
            piece.bytes = bytes;
            using var slice = flat.narrow(0, start, n);
            slice.copy_(piece);
        }
    }

    private static int ElementSize(ScalarType t) => t switch
    {
        ScalarType.Float64 or ScalarType.Int64 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.BFloat16 or ScalarType.Float16 => 2,
        _ => 1,
    };
}
