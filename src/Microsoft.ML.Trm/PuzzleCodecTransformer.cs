using Microsoft.ML.Data;
using Microsoft.ML.Trm.Data;
using Microsoft.ML.Trm.MlNet;

namespace Microsoft.ML.Trm;

/// <summary>
/// One puzzle codec stage: maps one column with a <see cref="PuzzleCodec"/>, text → tokens
/// (<see cref="PuzzleEncodingTransformer"/>) or tokens → text (<see cref="PuzzleDecodingTransformer"/>). Nothing is
/// learned; <c>Transform</c> is lazy and batched, <c>PredictionEngine</c> works, and a value the codec rejects throws
/// <see cref="PuzzleFormatException"/> naming the column and row when that row is read.
/// </summary>
public abstract class PuzzleCodecTransformer : ITransformer, ICanSaveModel
{
    internal const int DefaultBatchSize = 256;

    private readonly IBatchMapper _mapper;

    private protected PuzzleCodecTransformer(string outputColumnName, string inputColumnName, PuzzleCodec codec,
        ColumnRequirement inputRequirement, DataViewType outputType, Func<PuzzleCodecTransformer, IBatchMapper> createMapper)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputColumnName);
        ArgumentException.ThrowIfNullOrEmpty(inputColumnName);
        ArgumentNullException.ThrowIfNull(codec);
        (OutputColumnName, InputColumnName, Codec, InputRequirement, OutputType) = (outputColumnName, inputColumnName, codec, inputRequirement, outputType);
        _mapper = createMapper(this);
    }

    /// <summary>The appended column.</summary>
    public string OutputColumnName { get; }

    /// <summary>The column read.</summary>
    public string InputColumnName { get; }

    /// <summary>The codec used.</summary>
    public PuzzleCodec Codec { get; }

    /// <summary>Always true: rows map one to one, so <c>PredictionEngine</c> works.</summary>
    public bool IsRowToRowMapper => true;

    internal ColumnRequirement InputRequirement { get; }

    internal DataViewType OutputType { get; }

    internal IBatchMapper BatchMapper => _mapper;

    /// <summary>The input schema with the output column appended.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The input column is missing or has the wrong type; the message names it.</exception>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => _mapper.GetOutputSchema(inputSchema);

    /// <summary>Lazily maps <paramref name="input"/>; a value the codec rejects throws <see cref="PuzzleFormatException"/> when its row is read.</summary>
    public IDataView Transform(IDataView input) => _mapper.Transform(input);

    /// <summary>Row-at-a-time mapper for <c>PredictionEngine</c>.</summary>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => _mapper.GetRowToRowMapper(inputSchema);

    /// <summary>The estimator-side output shape (vector sizes are unknown there; <c>Fit</c> checks them).</summary>
    internal SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        InputRequirement.Check(inputSchema, InputColumnName);
        return SchemaShapes.Append(inputSchema, new[] { (OutputColumnName, OutputType) });
    }

    void ICanSaveModel.Save(ModelSaveContext ctx) => Save(ctx);

    private protected abstract void Save(ModelSaveContext ctx);

    // *** Binary format (Model.key, version 0x00010001; the same for both directions) ***
    // string: output column name
    // string: input column name
    // string: codec id (PuzzleCodec.Id)
    private protected void WriteBody(ModelSaveWriter w)
    {
        w.Writer.Write(OutputColumnName);
        w.Writer.Write(InputColumnName);
        w.Writer.Write(Codec.Id);
    }

    // Both directions write version 0x00010001 of the layout above.
    private protected static ModelVersion Version(string modelSignature, string loaderSignature)
        => new(modelSignature, VersionWritten: 0x00010001, VersionReadable: 0x00010001, VersionWeCanReadBack: 0x00010001, loaderSignature);

    private protected static T Load<T>(ModelLoadReader reader, Func<string, string, PuzzleCodec, T> create)
    {
        var (output, input, codec) = ReadBody(reader);
        return create(output, input, codec);
    }

    private static (string Output, string Input, PuzzleCodec Codec) ReadBody(ModelLoadReader reader)
    {
        string output = reader.Reader.ReadString(), input = reader.Reader.ReadString(), id = reader.Reader.ReadString();
        try
        {
            return (output, input, PuzzleCodec.FromId(id));
        }
        catch (ArgumentException ex)
        {
            throw new InvalidDataException($"The model names an unknown puzzle codec '{id}'.", ex);
        }
    }

    /// <summary>The batch mapper of both directions: read a value, apply the codec, name the column and row on failure.</summary>
    private protected sealed class CodecMapper<TIn, TOut> : BatchMapper<(TIn Value, long Row), TOut>
    {
        private readonly PuzzleCodecTransformer _parent;
        private readonly Func<DataViewRow, Func<TIn>> _reader;
        private readonly Func<TIn, TOut> _apply;

        public CodecMapper(PuzzleCodecTransformer parent, int batchSize, Func<DataViewRow, Func<TIn>> reader, Func<TIn, TOut> apply,
            BatchOutputColumn<TOut> output) : base(batchSize)
        {
            (_parent, _reader, _apply) = (parent, reader, apply);
            SourceColumns = new[] { parent.InputColumnName };
            OutputColumns = new[] { output };
        }

        public override IReadOnlyList<string> SourceColumns { get; }

        public override IReadOnlyList<BatchOutputColumn<TOut>> OutputColumns { get; }

        protected override bool IsComputeThreadSafe => true; // codecs are pure

        public override void CheckInputSchema(DataViewSchema inputSchema) => _parent.InputRequirement.Check(inputSchema, _parent.InputColumnName);

        public override Func<(TIn Value, long Row)> CreateReader(DataViewRow row)
        {
            var read = _reader(row);
            return () => (read(), row.Position);
        }

        protected override TOut[] Compute(IReadOnlyList<(TIn Value, long Row)> batch)
        {
            var results = new TOut[batch.Count];
            for (int i = 0; i < batch.Count; i++)
            {
                try
                {
                    results[i] = _apply(batch[i].Value);
                }
                catch (PuzzleFormatException ex)
                {
                    throw new PuzzleFormatException($"Column '{_parent.InputColumnName}', row {batch[i].Row}: {ex.Message}", ex);
                }
            }
            return results;
        }
    }
}
