using System.Text;
using static TorchSharp.torch;

namespace Microsoft.ML.Trm.Model;

/// <summary>
/// A plain, data-only container of named tensors: nothing in it is code or a type name, so reading it can only
/// produce tensors. Used for model weights and training checkpoints.
/// </summary>
/// <remarks>
/// Layout (little-endian): "TRMTENS1"; int32 count; then per tensor: string name (BinaryWriter form),
/// byte dtype (<see cref="ScalarType"/> value: Float32, BFloat16, Float16, Float64, Int64, Int32, Bool, Byte);
/// int32 rank; int64[rank] shape; int64 byte count; raw bytes (row-major, contiguous).
/// </remarks>
internal static class TensorArchive
{
    private const string Magic = "TRMTENS1";
    private static readonly HashSet<ScalarType> Allowed = new()
    {
        ScalarType.Float32, ScalarType.BFloat16, ScalarType.Float16, ScalarType.Float64,
        ScalarType.Int64, ScalarType.Int32, ScalarType.Bool, ScalarType.Byte,
    };

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
            var bytes = cpu.bytes;
            writer.Write((long)bytes.Length);
            writer.Write(bytes);
        }
    }

    /// <summary>Reads every tensor (on the CPU). Throws <see cref="InvalidDataException"/> on anything malformed.</summary>
    public static Dictionary<string, Tensor> Read(BinaryReader reader, string source)
    {
        try
        {
            var magic = Encoding.ASCII.GetString(reader.ReadBytes(Magic.Length));
            if (magic != Magic) throw new InvalidDataException($"{source} is not a TRM tensor archive (expected '{Magic}', found '{magic}').");
            int count = reader.ReadInt32();
            if (count < 0 || count > 100_000) throw new InvalidDataException($"{source}: implausible tensor count {count}.");
            var result = new Dictionary<string, Tensor>();
            for (int i = 0; i < count; i++)
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
                var bytes = reader.ReadBytes(checked((int)byteCount));
                if (bytes.Length != byteCount) throw new InvalidDataException($"{source}: tensor '{name}' is truncated.");
                var t = empty(shape, dtype);
                t.bytes = bytes;
                if (!result.TryAdd(name, t)) throw new InvalidDataException($"{source}: tensor '{name}' appears twice.");
            }
            return result;
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"{source} is truncated.", e);
        }
        catch (OverflowException e)
        {
            throw new InvalidDataException($"{source} declares a tensor too large to load.", e);
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
