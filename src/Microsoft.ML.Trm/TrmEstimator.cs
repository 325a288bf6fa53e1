using System.Diagnostics;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trm.Inference;
using Microsoft.ML.Trm.MlNet;
using Microsoft.ML.Trm.Model;
using Microsoft.ML.Trm.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Trm;

/// <summary>
/// Trains a TRM model on rows of puzzle tokens and solution tokens. Created by
/// <see cref="TrmCatalog.Trm(TransformsCatalog, TrmOptions)"/>; <c>Fit</c> returns a <see cref="TrmTransformer"/>.
/// </summary>
/// <remarks>
/// Input columns: <see cref="TrmOptions.InputColumnName"/> and <see cref="TrmOptions.LabelColumnName"/>, known-size
/// vectors of Int32 (or whole-valued Single) of the same length; optionally <see cref="TrmOptions.PuzzleIdColumnName"/>
/// (Int32). Rows are read once from the <see cref="IDataView"/> into compact token arrays, then training runs the
/// reference loop: deep supervision with a carry, ACT halting, EMA. Progress goes to <c>MLContext.Log</c>; the device
/// comes from <c>MLContext.GpuDeviceId</c> / <c>FallbackToCpu</c>; <c>MLContext.CancelExecution()</c> stops training.
/// </remarks>
public sealed class TrmEstimator : IEstimator<TrmTransformer>
{
    private readonly IHostEnvironment _env;
    private readonly TrmOptions _options;
    private readonly TrmTransformer? _initial;

    internal TrmEstimator(IHostEnvironment env, TrmOptions options, TrmTransformer? initialModel = null)
    {
        _env = env ?? throw new ArgumentNullException(nameof(env));
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options.Clone();
        _initial = initialModel;
    }

    /// <summary>Settings used by <see cref="Fit(IDataView)"/> (validation data, progress, checkpoints).</summary>
    public TrmFitSettings FitSettings { get; set; } = new();

    /// <summary>The input schema plus PredictedTokens (Vector&lt;Int32&gt;), Confidence (Single) and Steps (Int32).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or has the wrong kind or type; the message names it.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var tokens = ColumnRequirement.KnownSizeVector(1, NumberDataViewType.Int32, NumberDataViewType.Single);
        tokens.Check(inputSchema, _options.InputColumnName);
        if (inputSchema.Any(c => c.Name == _options.LabelColumnName)) tokens.Check(inputSchema, _options.LabelColumnName);
        if (_options.PuzzleIdColumnName is { } id) TrmTransformer.PuzzleIdRequirement.Check(inputSchema, id);
        var vector = SchemaShape.Column.VectorKind.Vector;
        var scalar = SchemaShape.Column.VectorKind.Scalar;
        var outputs = new List<(string Name, SchemaShape.Column.VectorKind Kind, DataViewType Item)>
        {
            (_options.PredictedTokensColumnName, vector, NumberDataViewType.Int32),
            (_options.ConfidenceColumnName, scalar, NumberDataViewType.Single),
            (_options.StepsColumnName, scalar, NumberDataViewType.Int32),
        };
        if (_options.IncludeStepPredictions)
        {
            outputs.Add((_options.StepPredictionsColumnName, vector, NumberDataViewType.Int32));
            outputs.Add((_options.StepConfidencesColumnName, vector, NumberDataViewType.Single));
        }
        var names = outputs.Select(c => c.Name).ToHashSet();
        return new SchemaShape(inputSchema.Where(c => !names.Contains(c.Name))
            .Concat(outputs.Select(c => MlNetInternals.MakeColumn(c.Name, c.Kind, c.Item))));
    }

    /// <summary>Trains on <paramref name="input"/> with <see cref="FitSettings"/>.</summary>
    public TrmTransformer Fit(IDataView input) => Fit(input, FitSettings);

    /// <summary>Trains on <paramref name="input"/>; <paramref name="settings"/> adds validation, progress, cancellation and checkpoints.</summary>
    public TrmTransformer Fit(IDataView input, TrmFitSettings settings)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(settings);
        using var ch = _env.Start("Trm");
        var o = _options.Clone();
        var data = ReadDataset(input, o, "training data");
        var validation = settings.ValidationData is { } v ? ReadDataset(v, o, "validation data") : null;
        int maxToken = Math.Max(data.Inputs.Max(), data.Labels.Max());
        int vocab = o.VocabSize ?? _initial?.VocabSize ?? maxToken + 1;
        if (maxToken >= vocab)
            throw new ArgumentOutOfRangeException(nameof(input), $"Column '{o.InputColumnName}' or '{o.LabelColumnName}' holds token {maxToken}, outside the vocabulary 0..{vocab - 1} (TrmOptions.VocabSize).");
        int ids = Math.Max(o.NumPuzzleIdentifiers ?? 0, Math.Max(_initial?.NumPuzzleIdentifiers ?? 0, data.PuzzleIds.Max() + 1));
        if (_initial is not null && _initial.SequenceLength != data.SequenceLength)
            throw new ArgumentOutOfRangeException(nameof(input), $"Column '{o.InputColumnName}' has {data.SequenceLength} slots; the model being fine-tuned expects {_initial.SequenceLength}.");
        int batchSize = o.BatchSize;
        if (batchSize > data.Count)
        {
            ch.Warning(MessageSensitivity.None, $"BatchSize {batchSize} is larger than the {data.Count} training rows; using {data.Count}.");
            batchSize = data.Count;
        }
        long stepsPerEpoch = data.Count / batchSize;
        long totalSteps = Math.Min(o.MaxSteps ?? long.MaxValue, o.Epochs * stepsPerEpoch);

        var device = TrmDevice.Resolve(_env);
        var forwardType = TrmDevice.ForwardType(o.Precision, device);
        var generator = new Generator((ulong)o.Seed);
        var architecture = _initial is null ? o.ToArchitecture(vocab, data.SequenceLength, ids) : _initial.Network.Architecture with { NumPuzzleIdentifiers = ids };
        var network = new TrmNetwork(architecture, forwardType, generator);
        if (_initial is not null) CopyInitialWeights(network, _initial.Network);
        network.to(device);
        ch.Info(MessageSensitivity.None, $"TRM: {network.ParameterCount:N0} parameters, {data.Count:N0} rows of {data.SequenceLength} tokens, vocabulary {vocab}, {ids} puzzle ids, batch {batchSize}, {totalSteps:N0} steps on {device}.");

        using var loop = new TrmTrainingLoop(network, o, totalSteps, device, generator);
        string fingerprint = data.Fingerprint();
        int epoch = 0, batchInEpoch = 0;
        if (settings.Resume && settings.CheckpointDirectory is { } dir && File.Exists(TrainingCheckpoint.PathIn(dir)))
        {
            (epoch, batchInEpoch) = TrainingCheckpoint.Load(dir, loop, fingerprint);
            ch.Info(MessageSensitivity.None, $"Resumed from {TrainingCheckpoint.PathIn(dir)} at step {loop.Step}.");
        }

        var clock = Stopwatch.StartNew();
        var window = new MetricsWindow();
        TrmMetrics? lastValidation = null;
        long startStep = loop.Step;
        bool stop = false;
        while (!stop && loop.Step < totalSteps)
        {
            var order = new Random(unchecked(o.Seed * 1_000_003 + epoch));
            int b = 0;
            foreach (var batch in data.Epoch(order, batchSize))
            {
                if (b++ < batchInEpoch) continue;           // resume: skip the batches the checkpointed run had used
                bool canceled = settings.CancellationToken.IsCancellationRequested || MlNetInternals.IsCanceled(_env);
                if (canceled)
                {
                    if (settings.CheckpointDirectory is { } cancelDir) TrainingCheckpoint.Save(cancelDir, loop, epoch, b - 1, fingerprint);
                    throw new OperationCanceledException($"TRM training was canceled at step {loop.Step}" +
                        (settings.CheckpointDirectory is null ? "." : $"; checkpoint written to {TrainingCheckpoint.PathIn(settings.CheckpointDirectory)}."));
                }
                var metrics = loop.TrainStep(batch);
                window.Add(metrics, batch.Size);

                bool last = loop.Step >= totalSteps || (settings.MaxDuration is { } max && clock.Elapsed >= max);
                if (settings.CheckpointDirectory is { } ckDir && (loop.Step % settings.CheckpointEverySteps == 0 || last))
                    TrainingCheckpoint.Save(ckDir, loop, epoch, b, fingerprint);
                bool evaluate = validation is not null && ((o.EvaluateEverySteps > 0 && loop.Step % o.EvaluateEverySteps == 0) || last);
                if (evaluate)
                {
                    using var evalNet = loop.CreateEvaluationNetwork();
                    lastValidation = Evaluate(evalNet, validation!, o, device);
                }
                if (loop.Step % o.LogEverySteps == 0 || last || evaluate)
                {
                    var progress = window.Report(loop, totalSteps, clock.Elapsed, startStep) with { Validation = evaluate ? lastValidation : null };
                    ch.Info(MessageSensitivity.None, Describe(progress));
                    settings.Progress?.Report(progress);
                }
                if (last) { stop = true; break; }
            }
            epoch++;
            batchInEpoch = 0;
        }

        var final = loop.CreateEvaluationNetwork();
        ch.Info(MessageSensitivity.None, $"TRM training done: {loop.Step} steps in {clock.Elapsed.TotalSeconds:F1} s." + (lastValidation is null ? "" : $" Validation: {lastValidation}."));
        network.Dispose();
        return new TrmTransformer(final, WithDataShape(o, vocab, ids), device, loop.Step);
    }

    // The saved options record what the data decided.
    private static TrmOptions WithDataShape(TrmOptions o, int vocab, int ids)
    {
        var copy = o.Clone();
        copy.VocabSize = vocab;
        copy.NumPuzzleIdentifiers = ids;
        return copy;
    }

    private static void CopyInitialWeights(TrmNetwork target, TrmNetwork source)
    {
        using var _ = no_grad();
        var from = source.state_dict();
        foreach (var (name, t) in target.state_dict())
        {
            var s = from[name];
            if (name == "puzzle_emb.weights" && s.shape[0] != t.shape[0])
            {
                // Upstream load_checkpoint: a table of another size becomes the old rows' mean, broadcast; here the
                // old rows are kept and only new identifiers start from the mean.
                long keep = Math.Min(s.shape[0], t.shape[0]);
                t.copy_(s.mean(new long[] { 0 }, keepdim: true).expand(t.shape).to(t.device));
                t[..(int)keep].copy_(s[..(int)keep].to(t.device));
            }
            else t.copy_(s.to(t.device));
        }
    }

    internal static TrmMetrics Evaluate(TrmNetwork network, TrmDataset data, TrmOptions o, Device device)
        => TrmEvaluation.Evaluate(network, device, data.Inputs, data.Labels, data.PuzzleIds, data.SequenceLength, o.InferenceBatchSize, o.HaltAtInference);

    private static string Describe(TrmProgress p)
    {
        var line = $"step {p.Step}/{p.TotalSteps} loss {p.Loss:F4} lr {p.LearningRate:G3} {p.ExamplesPerSecond:F0} ex/s";
        if (p.Train is { Count: > 0 } t) line += $" | train exact {t.ExactAccuracy:F3} token {t.TokenAccuracy:F3} halt {t.HaltAccuracy:F3} steps {t.MeanSteps:F1}";
        if (p.Validation is { } v) line += $" | valid {v}";
        if (p.Remaining is { } r) line += $" | ETA {r:hh\\:mm\\:ss}";
        return line;
    }

    internal static TrmDataset ReadDataset(IDataView view, TrmOptions o, string what)
    {
        var schema = view.Schema;
        var inputColumn = schema.GetColumnOrNull(o.InputColumnName) ?? throw ColumnRequirement.NotFound(o.InputColumnName);
        if (inputColumn.Type is not VectorDataViewType { IsKnownSize: true } vt)
            throw new ArgumentOutOfRangeException(nameof(view), $"Column '{o.InputColumnName}' has type {inputColumn.Type}; expected a known-size vector of Int32 or Single.");
        int seq = vt.Size;
        var requirement = ColumnRequirement.KnownSizeVector(seq, NumberDataViewType.Int32, NumberDataViewType.Single);
        requirement.Check(schema, o.InputColumnName);
        requirement.Check(schema, o.LabelColumnName);
        var columns = new List<DataViewSchema.Column> { schema[o.InputColumnName], schema[o.LabelColumnName] };
        if (o.PuzzleIdColumnName is { } idName) columns.Add(TrmTransformer.PuzzleIdRequirement.Check(schema, idName));

        var inputs = new List<int>(); var labels = new List<int>(); var ids = new List<int>();
        using (var cursor = view.GetRowCursor(columns))
        {
            var readInput = ColumnReaders.Int32Vector(cursor, o.InputColumnName, seq);
            var readLabel = ColumnReaders.Int32Vector(cursor, o.LabelColumnName, seq);
            var readId = o.PuzzleIdColumnName is { } name ? TrmTransformer.PuzzleIdReader(cursor, name) : () => 0;
            while (cursor.MoveNext())
            {
                var x = readInput(); var y = readLabel(); int id = readId();
                CheckRow(x, o.InputColumnName, cursor.Position, what);
                CheckRow(y, o.LabelColumnName, cursor.Position, what);
                if (id < 0) throw new ArgumentOutOfRangeException(nameof(view), $"Column '{o.PuzzleIdColumnName}', row {cursor.Position} of the {what}: puzzle identifier {id} is negative.");
                inputs.AddRange(x); labels.AddRange(y); ids.Add(id);
            }
        }
        if (ids.Count == 0) throw new ArgumentException($"The {what} has no rows.", nameof(view));
        return new TrmDataset(seq, inputs.ToArray(), labels.ToArray(), ids.ToArray());
    }

    private static void CheckRow(int[] tokens, string column, long row, string what)
    {
        for (int i = 0; i < tokens.Length; i++)
            if (tokens[i] < 0)
                throw new ArgumentOutOfRangeException(column, $"Column '{column}', row {row} of the {what}: token {tokens[i]} at slot {i} is negative.");
    }

    /// <summary>Accumulates training metrics between progress reports.</summary>
    private sealed class MetricsWindow
    {
        private StepMetrics _sum = new();
        private double _loss; private long _examples; private int _steps;
        private TimeSpan _since;

        public void Add(StepMetrics m, int batchSize)
        {
            _sum.Count += m.Count; _sum.TokenAccuracySum += m.TokenAccuracySum; _sum.ExactAccuracySum += m.ExactAccuracySum;
            _sum.HaltAccuracySum += m.HaltAccuracySum; _sum.StepsSum += m.StepsSum;
            _loss += (m.LmLoss + 0.5 * m.HaltLoss) / batchSize; _examples += batchSize; _steps++;
        }

        public TrmProgress Report(TrmTrainingLoop loop, long totalSteps, TimeSpan elapsed, long startStep)
        {
            double seconds = Math.Max(1e-9, (elapsed - _since).TotalSeconds);
            double perStep = elapsed.TotalSeconds / Math.Max(1, loop.Step - startStep);
            var c = Math.Max(1, _sum.Count);
            var progress = new TrmProgress
            {
                Step = loop.Step, TotalSteps = totalSteps, Loss = _loss / Math.Max(1, _steps), LearningRate = loop.LearningRate,
                ExamplesPerSecond = _examples / seconds, Elapsed = elapsed,
                Remaining = TimeSpan.FromSeconds(perStep * (totalSteps - loop.Step)),
                Train = new TrmMetrics(_sum.Count, (double)_sum.ExactAccuracySum / c, _sum.TokenAccuracySum / c, (double)_sum.HaltAccuracySum / c, (double)_sum.StepsSum / c),
            };
            _sum = new StepMetrics(); _loss = 0; _examples = 0; _steps = 0; _since = elapsed;
            return progress;
        }
    }
}
