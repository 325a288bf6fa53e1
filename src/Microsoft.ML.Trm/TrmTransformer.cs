using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trm.Inference;
using Microsoft.ML.Trm.MlNet;
using Microsoft.ML.Trm.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Trm;

/// <summary>
/// A fitted TRM model. Appends, for each row of token vectors, the predicted tokens (<c>Vector&lt;Int32&gt;</c>), the
/// confidence (<c>Single</c>, halt probability at the last step) and the supervision steps used (<c>Int32</c>); with
/// <see cref="TrmOptions.IncludeStepPredictions"/> also the prediction and confidence after every step.
/// <c>Transform</c> is lazy and runs the model on batches of <see cref="TrmOptions.InferenceBatchSize"/> rows;
/// <c>PredictionEngine</c> works. Saves into a standard ML.NET model zip and loads back with
/// <c>mlContext.Model.Load</c>, no registration needed.
/// </summary>
public sealed class TrmTransformer : ITransformer, ICanSaveModel, IMlNetLoadable<TrmTransformer>, IDisposable
{
    internal const string LoaderSignature = "TrmTransformer";
    internal const string UserName = "TRM (Tiny Recursive Model) Transformer";
    internal const string WeightsEntry = "TrmModel.bin";

    private readonly TrmNetwork _network;
    private readonly Mapper _mapper;
    private readonly TrmOptions _options;
    private InvalidOperationException? _deviceUnavailable; // loaded with MLContext.GpuDeviceId set, no such device, FallbackToCpu false

    internal TrmTransformer(TrmNetwork network, TrmOptions options, Device device, long trainedSteps)
    {
        _network = network;
        _options = options.Clone();
        Device = device;
        TrainedSteps = trainedSteps;
        _network.eval();
        _mapper = new Mapper(this);
    }

    static ModelVersion IMlNetLoadable<TrmTransformer>.ModelVersion { get; } =
        new("TRMTRANS", VersionWritten: 0x00010001, VersionReadable: 0x00010001, VersionWeCanReadBack: 0x00010001, LoaderSignature);

    /// <summary>A copy of the options the model was trained with (columns, architecture, training knobs).</summary>
    public TrmOptions Options => _options.Clone();

    /// <summary>Tokens per puzzle.</summary>
    public int SequenceLength => _network.Architecture.SequenceLength;

    /// <summary>Token vocabulary size, PAD included.</summary>
    public int VocabSize => _network.Architecture.VocabSize;

    /// <summary>Rows of the puzzle-embedding table.</summary>
    public int NumPuzzleIdentifiers => _network.Architecture.NumPuzzleIdentifiers;

    /// <summary>Trainable parameters (the puzzle-embedding table is not counted, as in the paper).</summary>
    public long ParameterCount => _network.ParameterCount;

    /// <summary>Optimiser steps the weights have seen.</summary>
    public long TrainedSteps { get; }

    /// <summary>Where the model runs.</summary>
    public Device Device { get; }

    /// <summary>Always true: rows map one to one, so <c>PredictionEngine</c> works.</summary>
    public bool IsRowToRowMapper => true;

    internal TrmNetwork Network => _network;

    /// <summary>Model forward passes run by <c>Transform</c> and <c>PredictionEngine</c> (one per batch).</summary>
    internal int BatchesRun => _mapper.ComputeCalls;

    /// <summary>The input schema with the output columns appended.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or has the wrong type or size; the message names it.</exception>
    /// <exception cref="InvalidOperationException">The model was loaded with <c>MLContext.GpuDeviceId</c> set, that CUDA device does not exist and <c>FallbackToCpu</c> is false.</exception>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => Usable()._mapper.GetOutputSchema(inputSchema);

    /// <summary>Lazily appends the predictions; the model runs batch by batch as the result is read.</summary>
    public IDataView Transform(IDataView input) => Usable()._mapper.Transform(input);

    /// <summary>Row-at-a-time mapper for <c>PredictionEngine</c>.</summary>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => Usable()._mapper.GetRowToRowMapper(inputSchema);

    private TrmTransformer Usable() => _deviceUnavailable is { } ex ? throw new InvalidOperationException(ex.Message, ex) : this;

    /// <summary>
    /// Solves puzzles given as token vectors (one forward pass per <see cref="TrmOptions.InferenceBatchSize"/>
    /// puzzles). Unknown puzzle identifiers use the blank identifier 0.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A puzzle has the wrong length or a token outside the vocabulary; the message names its index.</exception>
    public IReadOnlyList<TrmSolution> Predict(IReadOnlyList<int[]> puzzles, IReadOnlyList<int>? puzzleIds = null, bool recordSteps = false)
    {
        ArgumentNullException.ThrowIfNull(puzzles);
        Usable();
        var results = new List<TrmSolution>(puzzles.Count);
        for (int start = 0; start < puzzles.Count; start += _options.InferenceBatchSize)
        {
            int count = Math.Min(_options.InferenceBatchSize, puzzles.Count - start);
            var rows = Enumerable.Range(start, count).Select(i => (long)i).ToArray();
            var batch = TokenBatch.FromRows(Slice(puzzles, start, count), puzzleIds is null ? null : Slice(puzzleIds, start, count), SequenceLength, _options.InputColumnName, rows);
            var result = Run(batch, recordSteps);
            results.AddRange(Enumerable.Range(0, result.Count).Select(result.Solution));
        }
        return results;
    }

    private static IReadOnlyList<T> Slice<T>(IReadOnlyList<T> list, int start, int count) => Enumerable.Range(start, count).Select(i => list[i]).ToArray();

    // The one lock of the prediction path: the network runs one batch at a time (and is not saved mid-batch).
    private readonly object _lock = new();

    private InferenceResult Run(TokenBatch batch, bool recordSteps)
    {
        lock (_lock)
            return TrmInference.Run(_network, Device, batch, _options.HaltAtInference, recordSteps);
    }

    // *** Binary format (Model.key, version 0x00010001) ***
    // string  input column        string  puzzle-id column ("" = none)
    // string  predicted tokens column, string confidence column, string steps column
    // int32   inference batch size bool halt at inference   bool include step predictions
    // payload "TrmModel.bin"       Persistence/TrmModelFile.cs (format version, JSON header, weights)
    void ICanSaveModel.Save(ModelSaveContext ctx) => ModelSaveWriter.Save<TrmTransformer>(ctx, w =>
    {
        var o = _options;
        w.Writer.Write(o.InputColumnName);
        w.Writer.Write(o.PuzzleIdColumnName ?? "");
        w.Writer.Write(o.PredictedTokensColumnName);
        w.Writer.Write(o.ConfidenceColumnName);
        w.Writer.Write(o.StepsColumnName);
        w.Writer.Write(o.InferenceBatchSize);
        w.Writer.Write(o.HaltAtInference);
        w.Writer.Write(o.IncludeStepPredictions);
        // Streamed into the zip entry (no byte array: weights over 2 GiB, e.g. the ARC-AGI-2 puzzle table, save too).
        w.WritePayload(WeightsEntry, stream => { lock (_lock) TrmModelFile.Write(stream, _network, _options, TrainedSteps); });
    });

    static TrmTransformer IMlNetLoadable<TrmTransformer>.Load(ModelLoadReader reader)
    {
        var r = reader.Reader;
        string input = r.ReadString(), puzzleId = r.ReadString(), predicted = r.ReadString(), confidence = r.ReadString(), steps = r.ReadString();
        int batchSize = r.ReadInt32();
        bool haltAtInference = r.ReadBoolean(), includeSteps = r.ReadBoolean();
        // ML.NET calls loaders by reflection, so an exception thrown here reaches the caller of Model.Load wrapped in
        // TargetInvocationExceptions. A device that is not there is the user's setting, not a damaged file: the model
        // loads on the CPU and its first use throws the InvalidOperationException itself (docs/gpu.md).
        InvalidOperationException? deviceUnavailable = null;
        Device device;
        try { device = TrmDevice.Resolve(reader.Environment); }
        catch (InvalidOperationException ex) { (deviceUnavailable, device) = (ex, CPU); }
        var transformer = reader.ReadPayload(WeightsEntry, stream => FromPayload(stream, device, $"model entry '{WeightsEntry}'"));
        var o = transformer._options;
        (o.InputColumnName, o.PuzzleIdColumnName, o.PredictedTokensColumnName, o.ConfidenceColumnName, o.StepsColumnName) =
            (input, puzzleId.Length == 0 ? null : puzzleId, predicted, confidence, steps);
        (o.InferenceBatchSize, o.HaltAtInference, o.IncludeStepPredictions) = (batchSize, haltAtInference, includeSteps);
        return new TrmTransformer(transformer._network, o, device, transformer.TrainedSteps) { _deviceUnavailable = deviceUnavailable };
    }

    /// <summary>Rebuilds a transformer from a <c>TrmModel.bin</c> payload.</summary>
    internal static TrmTransformer FromPayload(Stream payload, Device device, string source)
    {
        var (header, tensors) = TrmModelFile.Read(payload, source);
        try
        {
            var forwardType = TrmDevice.ForwardType(header.Options.Precision, device, training: false);
            var network = TrmModelFile.CreateNetwork(header, tensors, forwardType, source);
            network.to(device);
            return new TrmTransformer(network, header.Options, device, header.TrainedSteps);
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    /// <summary>
    /// Writes the model's inference (what <c>Transform</c> computes, N_sup steps) as an ONNX graph with its weights,
    /// to run without TorchSharp on ONNX Runtime or ML.NET's <c>ApplyOnnxModel</c> (docs/onnx.md).
    /// </summary>
    /// <exception cref="NotSupportedException">The architecture is a comparison variant (HRM, direct, single latent).</exception>
    public void ExportOnnx(string path, Onnx.TrmOnnxExportOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        lock (_lock) TrmModelSaving.WriteAtomically(path, stream => Onnx.TrmOnnxExport.Export(this, stream, options));
    }

    /// <summary>Releases the native weights.</summary>
    public void Dispose() => _network.Dispose();

    private sealed class Mapper : BatchMapper<(int[] Tokens, int PuzzleId, long Row), TrmSolution>
    {
        private readonly TrmTransformer _parent;
        private readonly ColumnRequirement _tokens;

        public Mapper(TrmTransformer parent) : base(parent._options.InferenceBatchSize)
        {
            _parent = parent;
            var o = parent._options;
            int seq = parent.SequenceLength, nSup = parent._network.Architecture.MaxSupervisionSteps;
            _tokens = ColumnRequirement.KnownSizeVector(seq, NumberDataViewType.Int32, NumberDataViewType.Single);
            SourceColumns = o.PuzzleIdColumnName is { } id ? new[] { o.InputColumnName, id } : new[] { o.InputColumnName };
            var columns = new List<BatchOutputColumn<TrmSolution>>
            {
                BatchOutputColumn.Vector<TrmSolution, int>(o.PredictedTokensColumnName, NumberDataViewType.Int32, seq, s => s.Tokens),
                BatchOutputColumn.Scalar<TrmSolution, float>(o.ConfidenceColumnName, NumberDataViewType.Single, s => s.Confidence),
                BatchOutputColumn.Scalar<TrmSolution, int>(o.StepsColumnName, NumberDataViewType.Int32, s => s.Steps),
            };
            if (o.IncludeStepPredictions)
            {
                columns.Add(BatchOutputColumn.Vector<TrmSolution, int>(o.StepPredictionsColumnName, NumberDataViewType.Int32, nSup * seq,
                    s => PadSteps(s.StepTokens!, nSup, seq)));
                columns.Add(BatchOutputColumn.Vector<TrmSolution, float>(o.StepConfidencesColumnName, NumberDataViewType.Single, nSup,
                    s => Enumerable.Range(0, nSup).Select(i => i < s.StepConfidences!.Count ? s.StepConfidences[i] : s.StepConfidences[^1]).ToArray()));
            }
            OutputColumns = columns;
        }

        public override IReadOnlyList<string> SourceColumns { get; }

        public override IReadOnlyList<BatchOutputColumn<TrmSolution>> OutputColumns { get; }

        public override void CheckInputSchema(DataViewSchema inputSchema)
        {
            _tokens.Check(inputSchema, _parent._options.InputColumnName);
            if (_parent._options.PuzzleIdColumnName is { } id) PuzzleIdRequirement.Check(inputSchema, id);
        }

        public override Func<(int[] Tokens, int PuzzleId, long Row)> CreateReader(DataViewRow row)
        {
            var tokens = ColumnReaders.Int32Vector(row, _parent._options.InputColumnName, _parent.SequenceLength);
            var id = _parent._options.PuzzleIdColumnName is { } name ? PuzzleIdReader(row, name) : () => 0;
            return () => (tokens(), id(), row.Position);
        }

        protected override bool IsComputeThreadSafe => true; // TrmTransformer.Run holds the lock

        protected override TrmSolution[] Compute(IReadOnlyList<(int[] Tokens, int PuzzleId, long Row)> batch)
        {
            var tokens = TokenBatch.FromRows(batch.Select(b => b.Tokens).ToArray(), batch.Select(b => b.PuzzleId).ToArray(),
                _parent.SequenceLength, _parent._options.InputColumnName, batch.Select(b => b.Row).ToArray());
            var result = _parent.Run(tokens, _parent._options.IncludeStepPredictions);
            return Enumerable.Range(0, result.Count).Select(result.Solution).ToArray();
        }

        // Steps after a row halted repeat its last prediction, so the column always has N_sup·seq slots.
        private static int[] PadSteps(IReadOnlyList<int[]> steps, int nSup, int seq)
        {
            var values = new int[nSup * seq];
            for (int i = 0; i < nSup; i++) steps[Math.Min(i, steps.Count - 1)].CopyTo(values, i * seq);
            return values;
        }
    }

    internal static readonly ColumnRequirement PuzzleIdRequirement = ColumnRequirement.Scalar(NumberDataViewType.Int32, NumberDataViewType.Single, NumberDataViewType.Int64);

    internal static Func<int> PuzzleIdReader(DataViewRow row, string name)
    {
        var column = PuzzleIdRequirement.Check(row.Schema, name);
        if (column.Type == NumberDataViewType.Int32)
        {
            var g = row.GetGetter<int>(column); int v = 0;
            return () => { g(ref v); return v; };
        }
        if (column.Type == NumberDataViewType.Int64)
        {
            var g = row.GetGetter<long>(column); long v = 0;
            return () => { g(ref v); return checked((int)v); };
        }
        var f = row.GetGetter<float>(column); float x = 0;
        return () => { f(ref x); return (int)x; };
    }
}
