using Microsoft.ML.Data;
using Microsoft.ML.Trm.Data;
using Microsoft.ML.Trm.MlNet;

namespace Microsoft.ML.Trm;

/// <summary>
/// Decodes a known-size token vector (<c>Vector&lt;Int32&gt;</c> or whole-numbered <c>Vector&lt;Single&gt;</c>, dense or
/// sparse, <see cref="PuzzleCodec.SequenceLength"/> slots) into a text column with a <see cref="PuzzleCodec"/>.
/// Created by <see cref="TrmCatalog.DecodePuzzle(TransformsCatalog, string, string, PuzzleCodec)"/>.
/// </summary>
public sealed class PuzzleDecodingTransformer : ITransformer, ICanSaveModel, IMlNetLoadable<PuzzleDecodingTransformer>
{
    internal const string LoaderSignature = "TrmPuzzleDecode";
    internal const string UserName = "TRM Puzzle Decoding Transformer";
    internal const int DefaultBatchSize = 256;

    private readonly Mapper _mapper;

    internal PuzzleDecodingTransformer(string outputColumnName, string inputColumnName, PuzzleCodec codec, int batchSize = DefaultBatchSize)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputColumnName);
        ArgumentException.ThrowIfNullOrEmpty(inputColumnName);
        ArgumentNullException.ThrowIfNull(codec);
        OutputColumnName = outputColumnName;
        InputColumnName = inputColumnName;
        Codec = codec;
        _mapper = new Mapper(this, batchSize);
    }

    /// <summary>The appended text column.</summary>
    public string OutputColumnName { get; }

    /// <summary>The token vector column read.</summary>
    public string InputColumnName { get; }

    /// <summary>The codec used.</summary>
    public PuzzleCodec Codec { get; }

    /// <summary>Always true: rows map one to one, so <c>PredictionEngine</c> works.</summary>
    public bool IsRowToRowMapper => true;

    internal BatchMapper<(int[] Tokens, long Row), string> BatchMapper => _mapper;

    static ModelVersion IMlNetLoadable<PuzzleDecodingTransformer>.ModelVersion { get; } =
        new("TRMPZDEC", VersionWritten: 0x00010001, VersionReadable: 0x00010001, VersionWeCanReadBack: 0x00010001, LoaderSignature);

    /// <summary>The input schema with the text column appended.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The input column is missing, or is not a known-size vector of Int32 or Single with SequenceLength slots.</exception>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => _mapper.GetOutputSchema(inputSchema);

    /// <summary>Lazily decodes <paramref name="input"/>; bad tokens throw <see cref="PuzzleFormatException"/> when their row is read.</summary>
    public IDataView Transform(IDataView input) => _mapper.Transform(input);

    /// <summary>Row-at-a-time mapper for <c>PredictionEngine</c>.</summary>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => _mapper.GetRowToRowMapper(inputSchema);

    // *** Binary format (Model.key, version 0x00010001) ***
    // string: output column name
    // string: input column name
    // string: codec id (PuzzleCodec.Id)
    void ICanSaveModel.Save(ModelSaveContext ctx) => ModelSaveWriter.Save<PuzzleDecodingTransformer>(ctx, w =>
    {
        w.Writer.Write(OutputColumnName);
        w.Writer.Write(InputColumnName);
        w.Writer.Write(Codec.Id);
    });

    static PuzzleDecodingTransformer IMlNetLoadable<PuzzleDecodingTransformer>.Load(ModelLoadReader reader)
    {
        string output = reader.Reader.ReadString(), input = reader.Reader.ReadString();
        return new PuzzleDecodingTransformer(output, input, PuzzleCodecIds.Read(reader.Reader));
    }

    /// <summary>What the input column must be: a known-size vector of Int32 or Single with the codec's length.</summary>
    internal static ColumnRequirement InputRequirement(PuzzleCodec codec)
        => ColumnRequirement.KnownSizeVector(codec.SequenceLength, NumberDataViewType.Int32, NumberDataViewType.Single);

    private sealed class Mapper : BatchMapper<(int[] Tokens, long Row), string>
    {
        private readonly PuzzleDecodingTransformer _parent;
        private readonly ColumnRequirement _requirement;

        public Mapper(PuzzleDecodingTransformer parent, int batchSize) : base(batchSize)
        {
            _parent = parent;
            _requirement = InputRequirement(parent.Codec);
            SourceColumns = new[] { parent.InputColumnName };
            OutputColumns = new[] { BatchOutputColumn.Text<string>(parent.OutputColumnName, text => text) };
        }

        public override IReadOnlyList<string> SourceColumns { get; }

        public override IReadOnlyList<BatchOutputColumn<string>> OutputColumns { get; }

        protected override bool IsComputeThreadSafe => true; // codecs are pure

        public override void CheckInputSchema(DataViewSchema inputSchema) => _requirement.Check(inputSchema, _parent.InputColumnName);

        public override Func<(int[] Tokens, long Row)> CreateReader(DataViewRow row)
        {
            var tokens = ColumnReaders.Int32Vector(row, _parent.InputColumnName, _parent.Codec.SequenceLength);
            return () => (tokens(), row.Position);
        }

        protected override string[] Compute(IReadOnlyList<(int[] Tokens, long Row)> batch)
        {
            var results = new string[batch.Count];
            for (int i = 0; i < batch.Count; i++)
            {
                try
                {
                    results[i] = _parent.Codec.Decode(batch[i].Tokens);
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
