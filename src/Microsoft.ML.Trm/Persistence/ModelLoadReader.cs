using Microsoft.ML.Runtime;

namespace Microsoft.ML.Trm.MlNet;

/// <summary>Load side of a transformer's model entry; the mirror of <see cref="ModelSaveWriter"/>.</summary>
internal sealed class ModelLoadReader
{
    private readonly object _ctx;

    private ModelLoadReader(IHostEnvironment env, object ctx)
    {
        Environment = env;
        _ctx = ctx;
        Reader = MlNetInternals.Reader(ctx);
        VersionWritten = MlNetInternals.ModelVersionWritten(ctx);
    }

    /// <summary>The environment the model is loaded into (use it for channels, device choice, cancellation).</summary>
    public IHostEnvironment Environment { get; }

    /// <summary>Reader of the model's main stream.</summary>
    public BinaryReader Reader { get; }

    /// <summary>The version the model was written with, for reading older layouts.</summary>
    public uint VersionWritten { get; }

    /// <summary>Checks the header against <typeparamref name="T"/>'s <see cref="ModelVersion"/> and calls its Load.</summary>
    internal static T Load<T>(IHostEnvironment env, object ctx) where T : class, IMlNetLoadable<T>
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(ctx);
        MlNetInternals.CheckAtModel(ctx, T.ModelVersion.ToVersionInfo(typeof(T)));
        return T.Load(new ModelLoadReader(env, ctx));
    }

    /// <summary>Reads a blob written by <see cref="ModelSaveWriter.WritePayload(string, byte[])"/>.</summary>
    /// <exception cref="InvalidDataException">The separate entry is missing or truncated.</exception>
    public byte[] ReadPayload(string entryName) => ReadPayload(entryName, stream =>
    {
        if (stream.Length > Array.MaxLength) throw new InvalidDataException($"Entry '{entryName}' holds {stream.Length:N0} bytes, more than one array can.");
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    });

    /// <summary>
    /// Reads a blob written by either <c>WritePayload</c> and hands it to <paramref name="read"/> as a seekable stream:
    /// in memory up to 1 GiB, in a temporary file (deleted on close) beyond, so blobs over 2 GiB load too.
    /// </summary>
    /// <exception cref="InvalidDataException">The separate entry is missing or truncated.</exception>
    public T ReadPayload<T>(string entryName, Func<Stream, T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        if (!Reader.ReadBoolean())
        {
            using var inline = new MemoryStream(ReadBlob(Reader, "the model stream"), writable: false);
            return read(inline);
        }
        T result = default!;
        bool found = MlNetInternals.TryLoadBinaryStream(_ctx, entryName, r =>
        {
            int length = r.ReadInt32();
            if (length == ModelSaveWriter.StreamedLength)
            {
                using var copy = SeekableCopy(r.BaseStream);
                result = read(copy);
                return;
            }
            using var blob = new MemoryStream(ReadBlob(r, length, $"entry '{entryName}'"), writable: false);
            result = read(blob);
        });
        if (!found) throw new InvalidDataException($"The model has no '{entryName}' entry next to its Model.key.");
        return result;
    }

    private const long InMemoryLimit = 1L << 30;

    private static Stream SeekableCopy(Stream source)
    {
        var memory = new MemoryStream();
        var buffer = new byte[1 << 20];
        int n;
        while ((n = source.Read(buffer, 0, buffer.Length)) > 0)
        {
            memory.Write(buffer, 0, n);
            if (memory.Length < InMemoryLimit) continue;
            var file = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 20, FileOptions.DeleteOnClose);
            memory.Position = 0;
            memory.CopyTo(file);
            memory.Dispose();
            source.CopyTo(file, 1 << 20);
            file.Position = 0;
            return file;
        }
        memory.Position = 0;
        return memory;
    }

    private static byte[] ReadBlob(BinaryReader reader, string where) => ReadBlob(reader, reader.ReadInt32(), where);

    private static byte[] ReadBlob(BinaryReader reader, int length, string where)
    {
        if (length < 0)
            throw new InvalidDataException($"Negative payload length {length} in {where}.");
        var bytes = reader.ReadBytes(length);
        if (bytes.Length != length)
            throw new InvalidDataException($"Payload in {where} is truncated: expected {length} bytes, found {bytes.Length}.");
        return bytes;
    }
}
