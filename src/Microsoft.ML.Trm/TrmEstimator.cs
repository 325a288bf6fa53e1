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
        var plan = CreatePlan(data, o, settings, message => ch.Warning(MessageSensitivity.None, message));

        var device = TrmDevice.Resolve(_env);
        var generator = new Generator((ulong)o.Seed);
        var architecture = _initial is null ? o.ToArchitecture(plan.VocabSize, data.SequenceLength, plan.PuzzleIdentifiers) : _initial.Network.Architecture with { NumPuzzleIdentifiers = plan.PuzzleIdentifiers };
        using var network = new TrmNetwork(architecture, TrmDevice.ForwardType(o.Precision, device, training: true), generator);
        if (_initial is not null) CopyInitialWeights(network, _initial.Network);
        network.to(device);
        ch.Info(MessageSensitivity.None, $"TRM: {network.ParameterCount:N0} parameters, {plan.Rows:N0} rows in {plan.Groups:N0} groups of {data.SequenceLength} tokens, " +
            $"augmentation {plan.Augmentation}, vocabulary {plan.VocabSize}, {plan.PuzzleIdentifiers} puzzle ids, batch {plan.BatchSize}, {plan.TotalSteps:N0} steps on {device}.");

        using var run = new TrmTrainingRun(network, data, o, plan, device, generator);
        var final = run.Train(settings, validation, message => ch.Info(MessageSensitivity.None, message), () => MlNetInternals.IsCanceled(_env));
        return new TrmTransformer(final, WithDataShape(o, plan.VocabSize, plan.PuzzleIdentifiers), device, run.Loop.Step);
    }

    /// <summary>What <see cref="Fit(IDataView)"/> would do on <paramref name="input"/> (steps, groups, augmentation, cost), without training.</summary>
    public TrmTrainingPlan Plan(IDataView input) => Plan(input, FitSettings);

    /// <summary>What <see cref="Fit(IDataView, TrmFitSettings)"/> would do on <paramref name="input"/> with <paramref name="settings"/>, without training.</summary>
    public TrmTrainingPlan Plan(IDataView input, TrmFitSettings settings)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(settings);
        var o = _options.Clone();
        return CreatePlan(ReadDataset(input, o, "training data"), o, settings, _ => { });
    }

    private TrmTrainingPlan CreatePlan(TrmDataset data, TrmOptions o, TrmFitSettings settings, Action<string> warn)
    {
        int maxToken = Math.Max(data.Inputs.Max(), data.Labels.Max());
        int vocab = o.VocabSize ?? _initial?.VocabSize ?? maxToken + 1;
        if (maxToken >= vocab)
            throw new ArgumentOutOfRangeException("input", $"Column '{o.InputColumnName}' or '{o.LabelColumnName}' holds token {maxToken}, outside the vocabulary 0..{vocab - 1} (TrmOptions.VocabSize).");
        int ids = Math.Max(o.NumPuzzleIdentifiers ?? 0, Math.Max(_initial?.NumPuzzleIdentifiers ?? 0, data.PuzzleIds.Max() + 1));
        if (_initial is not null && _initial.SequenceLength != data.SequenceLength)
            throw new ArgumentOutOfRangeException("input", $"Column '{o.InputColumnName}' has {data.SequenceLength} slots; the model being fine-tuned expects {_initial.SequenceLength}.");
        return TrmTrainingRun.Plan(data, o, settings, vocab, ids, warn);
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
                // Upstream load_checkpoint (pretrain.py 251-261): a puzzle table of another size is replaced by the old
                // rows' mean, broadcast to every row of the new table.
                t.copy_(s.mean(new long[] { 0 }, keepdim: true).expand(t.shape).to(t.device));
            else t.copy_(s.to(t.device));
        }
    }

    internal static TrmMetrics Evaluate(TrmNetwork network, TrmDataset data, TrmOptions o, Device device)
        => TrmEvaluation.Evaluate(network, device, data.Inputs, data.Labels, data.PuzzleIds, data.SequenceLength, o.InferenceBatchSize, o.HaltAtInference);

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
        if (o.GroupColumnName is { } groupName) columns.Add(GroupRequirement.Check(schema, groupName));

        var inputs = new List<int>(); var labels = new List<int>(); var ids = new List<int>(); var groups = new List<string?>();
        using (var cursor = view.GetRowCursor(columns))
        {
            var readInput = ColumnReaders.Int32Vector(cursor, o.InputColumnName, seq);
            var readLabel = ColumnReaders.Int32Vector(cursor, o.LabelColumnName, seq);
            var readId = o.PuzzleIdColumnName is { } name ? TrmTransformer.PuzzleIdReader(cursor, name) : () => 0;
            Func<string?> readGroup = () => null;
            if (o.GroupColumnName is { } group)
            {
                if (schema[group].Type is TextDataViewType) readGroup = ColumnReaders.Text(cursor, group);
                else { var number = TrmTransformer.PuzzleIdReader(cursor, group); readGroup = () => number().ToString(System.Globalization.CultureInfo.InvariantCulture); }
            }
            while (cursor.MoveNext())
            {
                var x = readInput(); var y = readLabel(); int id = readId();
                CheckRow(x, o.InputColumnName, cursor.Position, what);
                CheckRow(y, o.LabelColumnName, cursor.Position, what);
                if (id < 0) throw new ArgumentOutOfRangeException(nameof(view), $"Column '{o.PuzzleIdColumnName}', row {cursor.Position} of the {what}: puzzle identifier {id} is negative.");
                inputs.AddRange(x); labels.AddRange(y); ids.Add(id); groups.Add(readGroup());
            }
        }
        if (ids.Count == 0) throw new ArgumentException($"The {what} has no rows.", nameof(view));
        return TrmDataset.Grouped(seq, inputs.ToArray(), labels.ToArray(), ids.ToArray(), o.GroupColumnName is null ? null : groups);
    }

    // The group column: text, or a whole number (Int32, Int64 or Single).
    private static readonly ColumnRequirement GroupRequirement = ColumnRequirement.Scalar(TextDataViewType.Instance, NumberDataViewType.Int32, NumberDataViewType.Single, NumberDataViewType.Int64);

    private static void CheckRow(int[] tokens, string column, long row, string what)
    {
        for (int i = 0; i < tokens.Length; i++)
            if (tokens[i] < 0)
                throw new ArgumentOutOfRangeException(column, $"Column '{column}', row {row} of the {what}: token {tokens[i]} at slot {i} is negative.");
    }
}
