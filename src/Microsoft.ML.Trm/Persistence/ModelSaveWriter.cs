using Microsoft.ML.Runtime;

namespace Microsoft.ML.Trm.MlNet;

/// <summary>
/// Signatures and versions of one transformer's saved form (ML.NET's VersionInfo without the internals).
/// </summary>
/// <param name="ModelSignature">Exactly 8 ASCII characters identifying the format, e.g. "TRMPZENC".</param>
/// <param name="VersionWritten">Version written now.</param>
/// <param name="VersionReadable">Oldest reader version able to read what is written now.</param>
/// <param name="VersionWeCanReadBack">Oldest written version this code can still read.</param>
/// <param name="LoaderSignature">The name ML.NET maps to the loader (fewer than 24 characters).</param>
internal sealed record ModelVersion(string ModelSignature, uint VersionWritten, uint VersionReadable, uint VersionWeCanReadBack, string LoaderSignature)
{
    internal object ToVersionInfo(Type loaderType)
    {
        if (ModelSignature.Length != 8 || ModelSignature.Any(c => c > 127))
            throw new ArgumentException($"Model signature '{ModelSignature}' must be exactly 8 ASCII characters.");
        if (LoaderSignature.Length >= 24)
            throw new ArgumentException($"Loader signature '{LoaderSignature}' must be shorter than 24 characters.");
        return MlNetInternals.CreateVersionInfo(ModelSignature, VersionWritten, VersionReadable, VersionWeCanReadBack,
            loaderType.Assembly.FullName!, LoaderSignature);
    }
}

/// <summary>
/// Save side of a transformer's model entry. Usage, in <c>ICanSaveModel.Save</c>:
/// <code>ModelSaveWriter.Save&lt;MyTransformer&gt;(ctx, w => { w.Writer.Write(_columnName); w.WritePayload("Weights.bin", bytes); });</code>
/// </summary>
internal sealed class ModelSaveWriter
{
    private readonly ModelSaveContext _ctx;

    private ModelSaveWriter(ModelSaveContext ctx)
    {
        _ctx = ctx;
        Writer = MlNetInternals.Writer(ctx);
        InRepository = MlNetInternals.InRepository(ctx);
    }

    /// <summary>Writer of the model's main stream (the zip entry <c>Model.key</c>).</summary>
    public BinaryWriter Writer { get; }

    /// <summary>True when saving into a zip, where <c>WritePayload</c> writes a separate entry.</summary>
    public bool InRepository { get; }

    /// <summary>Writes the version header of <typeparamref name="T"/>, then the body through <paramref name="write"/>.</summary>
    public static void Save<T>(ModelSaveContext ctx, Action<ModelSaveWriter> write) where T : class, IMlNetLoadable<T>
    {
        ArgumentNullException.ThrowIfNull(ctx);
        MlNetInternals.BeginSave(ctx, T.ModelVersion.ToVersionInfo(typeof(T)));
        write(new ModelSaveWriter(ctx));
    }

    /// <summary>
    /// Writes a blob: into its own zip entry <paramref name="entryName"/> next to <c>Model.key</c> when in a repository,
    /// inline otherwise. Main stream: byte 1 (separate) or 0 (inline: then int32 length + bytes). Entry: int32 length + bytes.
    /// </summary>
    public void WritePayload(string entryName, byte[] payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        Writer.Write(InRepository);
        if (InRepository)
            MlNetInternals.SaveBinaryStream(_ctx, entryName, w => { w.Write(payload.Length); w.Write(payload); });
        else
        {
            Writer.Write(payload.Length);
            Writer.Write(payload);
        }
    }

    /// <summary>
    /// Streams a blob of any size (no byte array, so no 2 GiB limit) into its own zip entry: int32 <see cref="StreamedLength"/>
    /// (−1), then the bytes to the end of the entry. Outside a repository the blob is buffered and written inline as by
    /// <see cref="WritePayload(string, byte[])"/> (limited to 2 GiB there).
    /// </summary>
    public void WritePayload(string entryName, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        if (!InRepository)
        {
            using var buffer = new MemoryStream();
            write(buffer);
            WritePayload(entryName, buffer.ToArray());
            return;
        }
        Writer.Write(true);
        MlNetInternals.SaveBinaryStream(_ctx, entryName, w =>
        {
            w.Write(StreamedLength);
            w.Flush();
            write(w.BaseStream);
        });
    }

    /// <summary>The length field of a streamed payload: the bytes run to the end of the entry.</summary>
    internal const int StreamedLength = -1;
}

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
