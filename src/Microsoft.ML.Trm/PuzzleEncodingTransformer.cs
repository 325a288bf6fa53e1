using Microsoft.ML.Data;
using Microsoft.ML.Trm.Data;
using Microsoft.ML.Trm.MlNet;

namespace Microsoft.ML.Trm;

/// <summary>
/// Encodes a text column of puzzles into a known-size <c>Vector&lt;Int32&gt;</c> of <see cref="PuzzleCodec.SequenceLength"/>
/// tokens with a <see cref="PuzzleCodec"/>. Created by <see cref="TrmCatalog.EncodePuzzle(TransformsCatalog, string, string, PuzzleCodec)"/>.
/// </summary>
public sealed class PuzzleEncodingTransformer : ITransformer, ICanSaveModel, IMlNetLoadable<PuzzleEncodingTransformer>
{
    internal const string LoaderSignature = "TrmPuzzleEncode";
    internal const string UserName = "TRM Puzzle Encoding Transformer";
    internal const int DefaultBatchSize = 256;

    private readonly Mapper _mapper;

    internal PuzzleEncodingTransformer(string outputColumnName, string inputColumnName, PuzzleCodec codec, int batchSize = DefaultBatchSize)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputColumnName);
        ArgumentException.ThrowIfNullOrEmpty(inputColumnName);
        ArgumentNullException.ThrowIfNull(codec);
        OutputColumnName = outputColumnName;
        InputColumnName = inputColumnName;
        Codec = codec;
        _mapper = new Mapper(this, batchSize);
    }

    /// <summary>The appended <c>Vector&lt;Int32, SequenceLength&gt;</c> column.</summary>
    public string OutputColumnName { get; }

    /// <summary>The text column read.</summary>
    public string InputColumnName { get; }

    /// <summary>The codec used.</summary>
    public PuzzleCodec Codec { get; }

    /// <summary>Always true: rows map one to one, so <c>PredictionEngine</c> works.</summary>
    public bool IsRowToRowMapper => true;

    internal BatchMapper<(string Text, long Row), int[]> BatchMapper => _mapper;

    static ModelVersion IMlNetLoadable<PuzzleEncodingTransformer>.ModelVersion { get; } =
        new("TRMPZENC", VersionWritten: 0x00010001, VersionReadable: 0x00010001, VersionWeCanReadBack: 0x00010001, LoaderSignature);

    /// <summary>The input schema with the token column appended.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The input column is missing or is not text.</exception>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => _mapper.GetOutputSchema(inputSchema);

    /// <summary>Lazily encodes <paramref name="input"/>; a bad puzzle throws <see cref="PuzzleFormatException"/> when its row is read.</summary>
    public IDataView Transform(IDataView input) => _mapper.Transform(input);

    /// <summary>Row-at-a-time mapper for <c>PredictionEngine</c>.</summary>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => _mapper.GetRowToRowMapper(inputSchema);

    // *** Binary format (Model.key, version 0x00010001) ***
    // string: output column name
    // string: input column name
    // string: codec id (PuzzleCodec.Id)
    void ICanSaveModel.Save(ModelSaveContext ctx) => ModelSaveWriter.Save<PuzzleEncodingTransformer>(ctx, w =>
    {
        w.Writer.Write(OutputColumnName);
        w.Writer.Write(InputColumnName);
        w.Writer.Write(Codec.Id);
    });

    static PuzzleEncodingTransformer IMlNetLoadable<PuzzleEncodingTransformer>.Load(ModelLoadReader reader)
    {
        string output = reader.Reader.ReadString(), input = reader.Reader.ReadString();
        return new PuzzleEncodingTransformer(output, input, PuzzleCodecIds.Read(reader.Reader));
    }

    private sealed class Mapper : BatchMapper<(string Text, long Row), int[]>
    {
        private readonly PuzzleEncodingTransformer _parent;

        public Mapper(PuzzleEncodingTransformer parent, int batchSize) : base(batchSize)
        {
            _parent = parent;
            SourceColumns = new[] { parent.InputColumnName };
            OutputColumns = new[]
            {
                BatchOutputColumn.Vector<int[], int>(parent.OutputColumnName, NumberDataViewType.Int32, parent.Codec.SequenceLength, tokens => tokens),
            };
        }

        public override IReadOnlyList<string> SourceColumns { get; }

        public override IReadOnlyList<BatchOutputColumn<int[]>> OutputColumns { get; }

        protected override bool IsComputeThreadSafe => true; // codecs are pure

        public override void CheckInputSchema(DataViewSchema inputSchema) => ColumnRequirement.Text.Check(inputSchema, _parent.InputColumnName);

        public override Func<(string Text, long Row)> CreateReader(DataViewRow row)
        {
            var text = ColumnReaders.Text(row, _parent.InputColumnName);
            return () => (text(), row.Position);
        }

        protected override int[][] Compute(IReadOnlyList<(string Text, long Row)> batch)
        {
            var results = new int[batch.Count][];
            for (int i = 0; i < batch.Count; i++)
            {
                try
                {
                    results[i] = _parent.Codec.Encode(batch[i].Text);
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

/// <summary>Reading a saved <see cref="PuzzleCodec.Id"/> back.</summary>
internal static class PuzzleCodecIds
{
    public static PuzzleCodec Read(BinaryReader reader)
    {
        var id = reader.ReadString();
        try
        {
            return PuzzleCodec.FromId(id);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidDataException($"The model names an unknown puzzle codec '{id}'.", ex);
        }
    }
}
