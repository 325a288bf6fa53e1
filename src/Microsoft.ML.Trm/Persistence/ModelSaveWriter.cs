namespace Microsoft.ML.Trm.MlNet;

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
