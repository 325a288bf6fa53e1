using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.ML.Trm.Data;
using Microsoft.ML.Trm.Model;
using Microsoft.ML.Trm.Inference;
using Microsoft.ML.Trm.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Trm.Comparison;

/// <summary>One configuration of a comparison run.</summary>
/// <param name="Name">Row label (e.g. "TRM-MLP", "HRM", "no EMA").</param>
/// <param name="Options">The full options; <see cref="TrmOptions.BatchSize"/>, <see cref="TrmOptions.Seed"/> and the step count are set by the run.</param>
/// <param name="PaperAccuracy">The paper's Sudoku-Extreme exact accuracy for this configuration (%), for the table; null if none.</param>
public sealed record TrmComparisonConfig(string Name, TrmOptions Options, double? PaperAccuracy = null);

/// <summary>
/// The compute given to every configuration. <see cref="TrainingFlops"/> is an estimated FLOP count (forward + backward of
/// every block call and the heads, see <see cref="TrmComparison.EstimateTrainingFlopsPerExample"/>): each configuration
/// trains for floor(TrainingFlops / (batch · flops per example-step)) optimiser steps, so the comparison does not depend
/// on the machine's load. <see cref="MaxSteps"/> caps the steps of cheap models (e.g. the direct baseline).
/// <see cref="Threads"/> sets libtorch's intra-op threads for the run (0 = leave as is); 1 avoids OpenMP spin-waiting on a
/// shared machine, where it made small models ~10× slower.
/// </summary>
public sealed record TrmComparisonBudget(double TrainingFlops, int BatchSize = 32, int Seed = 0, int? MaxSteps = null, int Threads = 1);

/// <summary>One row of the comparison table.</summary>
public sealed record TrmComparisonResult
{
    /// <summary>Configuration name.</summary>
    public required string Name { get; init; }
    /// <summary>Architecture and key switches in words.</summary>
    public required string Description { get; init; }
    /// <summary>Trainable parameters (puzzle-embedding table excluded, as upstream num_params).</summary>
    public required long Parameters { get; init; }
    /// <summary>Optimiser steps the budget bought.</summary>
    public required int Steps { get; init; }
    /// <summary>Estimated training FLOPs used (steps × batch × per-example estimate).</summary>
    public required double TrainingFlops { get; init; }
    /// <summary>Wall time of training, seconds.</summary>
    public required double TrainSeconds { get; init; }
    /// <summary>Wall time of evaluation on the held-out set, seconds.</summary>
    public required double EvalSeconds { get; init; }
    /// <summary>Fraction of held-out puzzles solved exactly (every cell right).</summary>
    public required double ExactAccuracy { get; init; }
    /// <summary>Fraction of held-out cells predicted right (givens included).</summary>
    public required double TokenAccuracy { get; init; }
    /// <summary>Fraction of held-out BLANK cells predicted right (the cells that need reasoning).</summary>
    public required double BlankCellAccuracy { get; init; }
    /// <summary>Mean supervision steps at which training rows halted (ACT); N_sup = 1 for the direct baseline.</summary>
    public required double MeanTrainSupervisionSteps { get; init; }
    /// <summary>Supervision steps per held-out puzzle at evaluation (always N_sup, as the reference).</summary>
    public required double EvalSupervisionSteps { get; init; }
    /// <summary>Last training loss (lm + halt [+ continue]) per example.</summary>
    public required double FinalTrainLoss { get; init; }
    /// <summary>The paper's number for this configuration (%), if any.</summary>
    public double? PaperAccuracy { get; init; }
}

/// <summary>
/// The paper's comparisons (TRM-MLP, TRM-Att, HRM, direct prediction and TRM ablations, arXiv 2510.04871 Tables 1-2 and 4)
/// run inside the product: every configuration trains on the same data for the same estimated compute, then is evaluated
/// on the same held-out puzzles; the results print as a markdown table or JSON.
/// </summary>
public static class TrmComparison
{
    /// <summary>
    /// The scaled-down configuration set used for docs/comparisons.md: TRM-MLP, TRM-Att, HRM, a parameter-matched direct
    /// baseline and the ablations no EMA, 1-step gradient, single z, T=2/n=2 and the continue loss, all with hidden size
    /// <paramref name="hidden"/>. TRM uses T = <paramref name="outer"/>, n = <paramref name="inner"/>, HRM H_cycles = L_cycles = 2 as
    /// upstream; N_sup = <paramref name="supervisionSteps"/>; prefix = 1 position for every model (upstream TRM uses 16).
    /// </summary>
    public static IReadOnlyList<TrmComparisonConfig> PaperConfigurations(int hidden = 64, int outer = 3, int inner = 6, int supervisionSteps = 8)
    {
        TrmOptions Trm(TrmMixer mixer)
        {
            var o = TrmPresets.Create(mixer == TrmMixer.MlpT ? TrmPresets.SudokuMlp : TrmPresets.SudokuAtt);
            o.HiddenSize = hidden; o.NumHeads = Math.Max(1, hidden / 32); o.PuzzleEmbeddingLength = 1;
            o.OuterCycles = outer; o.InnerCycles = inner; o.MaxSupervisionSteps = supervisionSteps;
            o.LearningRate = 1e-3; o.LearningRateWarmupSteps = 20; o.WeightDecay = 0.1;
            o.PuzzleEmbeddingLearningRate = 1e-3; o.PuzzleEmbeddingWeightDecay = 0.1; o.EmaRate = 0.99;
            o.Augmentation = TrmAugmentation.None;   // the measured tables in docs/comparisons.md trained without shuffles
            return o;
        }
        var mlp = Trm(TrmMixer.MlpT);
        var att = Trm(TrmMixer.Attention);
        var hrm = TrmPresets.Create(TrmPresets.Hrm);
        hrm.HiddenSize = hidden; hrm.NumHeads = Math.Max(1, hidden / 32); hrm.MaxSupervisionSteps = supervisionSteps;
        hrm.LearningRate = 1e-3; hrm.LearningRateWarmupSteps = 20; hrm.WeightDecay = 0.1;
        hrm.PuzzleEmbeddingLearningRate = 1e-3; hrm.PuzzleEmbeddingWeightDecay = 0.1; hrm.Augmentation = TrmAugmentation.None;
        // Paper: the direct Transformer has HRM's size (27M); match the scaled HRM with attention blocks.
        var direct = DirectBaseline.Match(hrm, att, 11, 81).Options;
        direct.UseEma = false;

        TrmOptions With(TrmOptions o, Action<TrmOptions> change) { var c = o.Clone(); change(c); return c; }
        return new[]
        {
            new TrmComparisonConfig("TRM-MLP", mlp, 87.4),
            new TrmComparisonConfig("TRM-MLP, no EMA", With(mlp, o => o.UseEma = false), 79.9),
            new TrmComparisonConfig("TRM-Att", att, 74.7),
            new TrmComparisonConfig("TRM-MLP, T=2 n=2", With(mlp, o => { o.OuterCycles = 2; o.InnerCycles = 2; }), 73.7),
            new TrmComparisonConfig("TRM-MLP, single z", With(mlp, o => o.SingleLatent = true), 71.9),
            new TrmComparisonConfig("TRM-MLP, 1-step gradient", With(mlp, o => o.OneStepGradient = true), 56.5),
            new TrmComparisonConfig("TRM-MLP, ACT continue loss", With(mlp, o => o.ActContinueLoss = true), 86.1),
            new TrmComparisonConfig("HRM", hrm, 55.0),
            new TrmComparisonConfig("Direct (params ≈ HRM)", direct, 0.0),
        };
    }

    /// <summary>
    /// A direct-prediction baseline (<see cref="TrmArchitectureKind.Direct"/>) built like <paramref name="template"/> (mixer,
    /// width, recipe) with the block count whose parameter count is closest to <paramref name="matchTo"/>'s. E.g. matching
    /// preset "hrm" with the "sudoku-att" blocks gives 8 blocks and exactly 27,275,266 parameters, the paper's 27M baseline.
    /// </summary>
    /// <returns>The baseline's options, its parameter count and the target's.</returns>
    public static (TrmOptions Options, long Parameters, long TargetParameters) MatchDirectBaseline(TrmOptions matchTo, TrmOptions template, int vocabSize, int sequenceLength)
    {
        ArgumentNullException.ThrowIfNull(matchTo); ArgumentNullException.ThrowIfNull(template);
        return DirectBaseline.Match(matchTo, template, vocabSize, sequenceLength);
    }

    /// <summary>
    /// Estimated training FLOPs per example and optimiser step: 2·params·tokens per block call (+ 4·tokens²·D for
    /// attention), backward = 2 × forward for the calls that record gradients, the extra no-grad pass of the continue
    /// loss, and the embedding/heads. An estimate for equalising budgets, not a measurement.
    /// </summary>
    public static double EstimateTrainingFlopsPerExample(TrmOptions options, int vocabSize, int sequenceLength)
    {
        var arch = options.ToArchitecture(vocabSize, sequenceLength, 1);
        arch.Validate();
        double tokens = arch.TotalLength, d = arch.HiddenSize;
        double mixer = arch.MlpT
            ? 3.0 * 2 * SwiGlu.InnerSizeFor(arch.TotalLength, arch.Expansion) * arch.TotalLength * d       // over positions, per channel
            : 2 * tokens * (4 * d * d) + 4 * tokens * tokens * d;                                            // qkv + o, scores + values
        double mlp = 2 * tokens * 3 * d * SwiGlu.InnerSizeFor(arch.HiddenSize, arch.Expansion);
        double block = mixer + mlp;
        double forwardBlocks, gradBlocks;
        int T = arch.OuterCycles, n = arch.InnerCycles;
        switch (arch.Kind)
        {
            case TrmArchitectureKind.Hrm:
                forwardBlocks = T * n * arch.Layers + T * arch.HighLevelLayers;
                gradBlocks = arch.Layers + arch.HighLevelLayers;
                break;
            case TrmArchitectureKind.Direct:
                forwardBlocks = gradBlocks = arch.Layers;
                break;
            default:
                forwardBlocks = T * (n + 1) * arch.Layers;
                gradBlocks = (arch.OneStepGradient ? 2 : n + 1) * arch.Layers;
                break;
        }
        double heads = 2 * tokens * d * (vocabSize + 2);
        double perPass = forwardBlocks * block + heads;
        double total = perPass + 2 * (gradBlocks * block + heads);
        if (!arch.NoActContinue) total += perPass;   // extra forward for the continue target
        return total;
    }

    /// <summary>Encodes Sudoku examples (9×9 or 4×4 text) as token rows: (inputs, labels).</summary>
    private static (List<int[]> Inputs, List<int[]> Labels) Encode(IReadOnlyList<PuzzleExample> examples, SudokuCodec codec) =>
        (examples.Select(e => codec.Encode(e.Puzzle)).ToList(), examples.Select(e => codec.Encode(e.Solution)).ToList());

    /// <summary>
    /// Trains every configuration for the same estimated compute on <paramref name="train"/> and evaluates it on
    /// <paramref name="test"/> (Sudoku puzzles, e.g. from <see cref="SudokuGenerator"/>). Runs on the CPU, one configuration
    /// after another, with float32 arithmetic.
    /// </summary>
    /// <param name="configs">Configurations to compare.</param>
    /// <param name="train">Training puzzles with solutions.</param>
    /// <param name="test">Held-out puzzles with solutions.</param>
    /// <param name="budget">Compute per configuration.</param>
    /// <param name="log">Progress lines (optional).</param>
    public static IReadOnlyList<TrmComparisonResult> Run(IEnumerable<TrmComparisonConfig> configs, IReadOnlyList<PuzzleExample> train,
        IReadOnlyList<PuzzleExample> test, TrmComparisonBudget budget, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(configs); ArgumentNullException.ThrowIfNull(train); ArgumentNullException.ThrowIfNull(test); ArgumentNullException.ThrowIfNull(budget);
        if (train.Count < budget.BatchSize) throw new ArgumentException($"Need at least one batch ({budget.BatchSize}) of training puzzles.", nameof(train));
        int size = (int)Math.Round(Math.Sqrt(train[0].Puzzle.Length));
        var codec = new SudokuCodec(size);
        var (trainX, trainY) = Encode(train, codec);
        var data = TrmDataset.FromRows(trainX, trainY);
        var results = new List<TrmComparisonResult>();
        int threadsBefore = get_num_threads();
        if (budget.Threads > 0) set_num_threads(budget.Threads);
        try
        {
        foreach (var config in configs)
        {
            var options = config.Options.Clone();
            options.BatchSize = budget.BatchSize; options.Seed = budget.Seed;
            options.Validate();
            double perExample = EstimateTrainingFlopsPerExample(options, codec.VocabSize, codec.SequenceLength);
            int steps = (int)Math.Max(1, Math.Floor(budget.TrainingFlops / (perExample * budget.BatchSize)));
            if (budget.MaxSteps is { } cap) steps = Math.Min(steps, cap);
            options.MaxSteps = steps;
            log?.Invoke($"{config.Name}: {steps} steps ({perExample * budget.BatchSize:E2} FLOPs/step)");
            results.Add(RunOne(config, options, data, codec, test, steps, perExample * budget.BatchSize, log));
        }
        }
        finally
        {
            set_num_threads(threadsBefore);
        }
        return results;
    }

    private static TrmComparisonResult RunOne(TrmComparisonConfig config, TrmOptions options, TrmDataset data, SudokuCodec codec,
        IReadOnlyList<PuzzleExample> test, int steps, double flopsPerStep, Action<string>? log)
    {
        var arch = options.ToArchitecture(codec.VocabSize, codec.SequenceLength, 1);
        var generator = new Generator((ulong)options.Seed);
        manual_seed(options.Seed);
        using var network = new TrmNetwork(arch, ScalarType.Float32, generator);
        options.LogEverySteps = Math.Max(1, steps / 5);
        var settings = new TrmFitSettings { CheckpointInterval = null };
        var plan = TrmTrainingRun.Plan(data, options, settings, codec.VocabSize, 1, _ => { });
        using var run = new TrmTrainingRun(network, data, options, plan, CPU, generator);
        var clock = Stopwatch.StartNew();
        using var eval = run.Train(settings, validation: null, log is null ? null : line => log($"  {config.Name} {line}"));
        double trainSeconds = clock.Elapsed.TotalSeconds;
        long haltedRows = run.HaltedRows, haltedSteps = run.HaltedSteps;
        double lastLoss = run.LastLoss;

        clock.Restart();
        var (testX, _) = Encode(test, codec);
        int exact = 0; long cells = 0, right = 0, blanks = 0, blanksRight = 0; double evalSteps = 0;
        const int chunk = 128;
        for (int start = 0; start < test.Count; start += chunk)
        {
            var rows = testX.Skip(start).Take(chunk).Select(r => r.Select(v => (long)v).ToArray()).ToList();
            var predictions = TrmInference.Predict(eval, rows, new long[rows.Count], CPU);
            for (int i = 0; i < rows.Count; i++)
            {
                var example = test[start + i];
                var label = codec.Encode(example.Solution);
                var p = predictions[i];
                bool all = true;
                for (int j = 0; j < label.Length; j++)
                {
                    bool ok = p.Tokens[j] == label[j];
                    cells++; if (ok) right++; else all = false;
                    if (rows[i][j] == SudokuCodec.Blank) { blanks++; if (ok) blanksRight++; }
                }
                if (all) exact++;
                evalSteps += p.Steps;
            }
        }
        double evalSeconds = clock.Elapsed.TotalSeconds;
        var result = new TrmComparisonResult
        {
            Name = config.Name,
            Description = Describe(options),
            Parameters = network.ParameterCount,
            Steps = (int)run.Loop.Step,
            TrainingFlops = run.Loop.Step * flopsPerStep,
            TrainSeconds = trainSeconds,
            EvalSeconds = evalSeconds,
            ExactAccuracy = (double)exact / test.Count,
            TokenAccuracy = (double)right / Math.Max(1, cells),
            BlankCellAccuracy = (double)blanksRight / Math.Max(1, blanks),
            MeanTrainSupervisionSteps = haltedRows == 0 ? double.NaN : (double)haltedSteps / haltedRows,
            EvalSupervisionSteps = evalSteps / test.Count,
            FinalTrainLoss = lastLoss,
            PaperAccuracy = config.PaperAccuracy,
        };
        log?.Invoke($"  {config.Name}: exact {result.ExactAccuracy:P1}, blank cells {result.BlankCellAccuracy:P1}, train {trainSeconds:F0} s, eval {evalSeconds:F0} s");
        return result;
    }

    /// <summary>A one-line description of the architecture and switches of <paramref name="o"/>.</summary>
    public static string Describe(TrmOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        var mixer = o.Mixer == TrmMixer.MlpT ? "MLP-T" : "att";
        string text = o.Architecture switch
        {
            TrmArchitectureKind.Hrm => $"HRM {mixer}, H {o.HighLevelLayers}+L {o.Layers} blocks, H_cycles {o.OuterCycles}, L_cycles {o.InnerCycles}, N_sup {o.MaxSupervisionSteps}",
            TrmArchitectureKind.Direct => $"direct {mixer}, {o.Layers} blocks, 1 step",
            _ => $"TRM {mixer}, {o.Layers} blocks, T {o.OuterCycles}, n {o.InnerCycles}, N_sup {o.MaxSupervisionSteps}",
        };
        var flags = new List<string>();
        if (o.SingleLatent) flags.Add("single z");
        if (o.OneStepGradient) flags.Add("1-step grad");
        if (o.ActContinueLoss) flags.Add("continue loss");
        flags.Add(o.UseEma ? "EMA" : "no EMA");
        return $"{text}, D {o.HiddenSize}, {string.Join(", ", flags)}";
    }

    /// <summary>The results as a markdown table (one row per configuration).</summary>
    public static string ToMarkdown(IEnumerable<TrmComparisonResult> results)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine("| Configuration | Params | Steps | Est. train FLOPs | Exact acc. | Token acc. | Blank-cell acc. | Mean train sup. steps | Train s | Eval s | Paper (Sudoku-Extreme) | Setup |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var r in results)
            sb.AppendLine(string.Format(c, "| {0} | {1:N0} | {2} | {3:E2} | {4:P1} | {5:P1} | {6:P1} | {7:F2} | {8:F0} | {9:F0} | {10} | {11} |",
                r.Name, r.Parameters, r.Steps, r.TrainingFlops, r.ExactAccuracy, r.TokenAccuracy, r.BlankCellAccuracy,
                r.MeanTrainSupervisionSteps, r.TrainSeconds, r.EvalSeconds, r.PaperAccuracy is { } p ? p.ToString("F1", c) + "%" : "–", r.Description));
        return sb.ToString();
    }

    /// <summary>The results as indented JSON.</summary>
    public static string ToJson(IEnumerable<TrmComparisonResult> results) =>
        JsonSerializer.Serialize(results.ToList(), new JsonSerializerOptions { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals });
}
