using Microsoft.ML.Data;
using Microsoft.ML.Trm.MlNet;
using Microsoft.ML.Trm.Tests.MlNet;

// A test-only loadable transformer: this assembly is woven too (see the csproj).
[assembly: MlNetLoadable(typeof(ProbeTransformer), typeof(MlNetLoader<,>), "TRM test probe", ProbeTransformer.LoaderSignature)]
[assembly: System.Runtime.CompilerServices.IgnoresAccessChecksTo("Microsoft.ML.Core")]

namespace Microsoft.ML.Trm.Tests.MlNet;

/// <summary>Estimator of <see cref="ProbeTransformer"/>.</summary>
public sealed class ProbeEstimator(string input, string output, byte[] payload) : IEstimator<ProbeTransformer>
{
    /// <inheritdoc />
    public ProbeTransformer Fit(IDataView input1) => new(input, output, payload);

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ProbeTransformer.Requirement.Check(inputSchema, input);
        return SchemaShapes.Append(inputSchema, new[] { (output, (DataViewType)NumberDataViewType.Int32) });
    }
}

/// <summary>Adds "Checksum" = sum of the 81 tokens + payload[0]; keeps a payload in its own zip entry.</summary>
public sealed class ProbeTransformer : ITransformer, ICanSaveModel, IMlNetLoadable<ProbeTransformer>
{
    internal const string LoaderSignature = "TrmTestProbe";
    internal const string PayloadEntry = "Probe.bin";
    internal static readonly ColumnRequirement Requirement = ColumnRequirement.KnownSizeVector(81, NumberDataViewType.Int32, NumberDataViewType.Single);
    private readonly Mapper _mapper;

    internal ProbeTransformer(string input, string output, byte[] payload, int batchSize = 4)
    {
        Input = input;
        Output = output;
        Payload = payload;
        _mapper = new Mapper(this, batchSize);
    }

    internal string Input { get; }

    internal string Output { get; }

    internal byte[] Payload { get; }

    internal BatchMapper<int[], int> BatchMapper => _mapper;

    static ModelVersion IMlNetLoadable<ProbeTransformer>.ModelVersion { get; } = new("TRMPROBE", 0x00010001, 0x00010001, 0x00010001, LoaderSignature);

    /// <inheritdoc />
    public bool IsRowToRowMapper => true;

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => _mapper.GetOutputSchema(inputSchema);

    /// <inheritdoc />
    public IDataView Transform(IDataView input) => _mapper.Transform(input);

    /// <inheritdoc />
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => _mapper.GetRowToRowMapper(inputSchema);

    void ICanSaveModel.Save(ModelSaveContext ctx) => ModelSaveWriter.Save<ProbeTransformer>(ctx, w =>
    {
        w.Writer.Write(Input);
        w.Writer.Write(Output);
        w.WritePayload(PayloadEntry, Payload);
    });

    static ProbeTransformer IMlNetLoadable<ProbeTransformer>.Load(ModelLoadReader reader)
    {
        string input = reader.Reader.ReadString(), output = reader.Reader.ReadString();
        return new ProbeTransformer(input, output, reader.ReadPayload(PayloadEntry));
    }

    private sealed class Mapper(ProbeTransformer parent, int batchSize) : BatchMapper<int[], int>(batchSize)
    {
        public override IReadOnlyList<string> SourceColumns { get; } = new[] { parent.Input };

        public override IReadOnlyList<BatchOutputColumn<int>> OutputColumns { get; } =
            new[] { BatchOutputColumn.Scalar<int, int>(parent.Output, NumberDataViewType.Int32, v => v) };

        public override void CheckInputSchema(DataViewSchema inputSchema) => Requirement.Check(inputSchema, parent.Input);

        public override Func<int[]> CreateReader(DataViewRow row) => ColumnReaders.Int32Vector(row, parent.Input, 81);

        protected override int[] Compute(IReadOnlyList<int[]> batch) => batch.Select(t => t.Sum() + parent.Payload[0]).ToArray();
    }
}
