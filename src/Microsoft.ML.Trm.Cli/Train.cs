using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.Data;
using Microsoft.ML.Trm.Data;

namespace Microsoft.ML.Trm.Cli;

using Command = System.CommandLine.Command; // not the namespace Microsoft.ML.Command

public static partial class Cli
{
    /// <summary>The built-in demo of <c>trm train</c> with no --data (sized for 2 CPU cores and a few minutes).</summary>
    public static class Demo
    {
        public const int Size = 9, Givens = 40, TrainCount = 6000, ValidCount = 300, TrainSeed = 1, ValidSeed = 2, MaxSteps = 1500;
        public const double MaxMinutes = 3.0;

        /// <summary>The demo's options on top of the <c>tiny</c> preset.</summary>
        public static void Configure(TrmOptions o)
        {
            o.EvaluateEverySteps = 100;
            o.UseEma = false;   // EMA (0.99) lags a few hundred steps behind; in a 3-minute run the raw weights validate better
        }
    }

    private sealed class SyncProgress(Action<TrmProgress> report) : IProgress<TrmProgress>
    {
        public void Report(TrmProgress value) => report(value);
    }

    /// <summary>Text rows for training: puzzle and solution.</summary>
    public sealed class TextRow
    {
        public string Puzzle { get; set; } = "";
        public string Solution { get; set; } = "";
    }

    /// <summary>What <c>trm train</c> was asked to do, resolved from the command line (the options are final).</summary>
    internal sealed record TrainRequest(string Task, string? DataPath, string? ValidPath, string Preset, TrmOptions Options, double? MaxMinutes,
        string Output, string Checkpoints, int? CheckpointEvery, bool Resume, string? EmitCode, bool DryRun = false, bool Json = false)
    {
        public bool Demo => DataPath is null;
    }

    private static Command TrainCommand(Io io, CommonOptions common)
    {
        var task = Opt.Default("--task", "TASK", "Puzzle family: sudoku, maze or arc.", "sudoku").Suggest(Tasks.Names);
        var data = Opt.Optional<string>("--data", "PATH", "Training data: a CSV of the task (ARC: a folder of 'trm generate arc').", "the built-in demo");
        var valid = Opt.Optional<string>("--valid", "PATH", "Held-out data, evaluated during and at the end of training.");
        var preset = Opt.Default("--preset", "NAME", "Starting configuration (see 'trm presets').", TrmPresets.Tiny).Suggest(TrmPresets.Names.ToArray());
        var set = new Option<string[]>("--set") { Description = "Override a TrmOptions property, e.g. --set HiddenSize=128 --set LearningRate=2e-3 (case-insensitive; repeatable). " +
            "Options: " + string.Join(", ", OptionSetter.Properties.Select(p => p.Name)) + ".", HelpName = "KEY=VALUE" };
        set.CompletionSources.Add(OptionSetter.Properties.Select(p => p.Name + "=").ToArray());
        var maxSteps = Opt.Optional<int?>("--max-steps", "N", "Stop after N optimiser steps.", "the preset's epochs; demo: 1500").AtLeast(1);
        var maxMinutes = Opt.Optional<double?>("--max-minutes", "M", "Stop (and save) after M minutes of training.", "none; demo: 3 unless --max-steps is given").AtLeast(0);
        var output = Opt.Optional<string>("--out", "MODEL.zip", "Model zip to write; also writes <out>.metrics.csv and <out>.metrics.png.", "trm-<task>.zip");
        var checkpoints = Opt.Optional<string>("--checkpoints", "DIR", "Checkpoint folder.", "<out>.checkpoints");
        var checkpointEvery = Opt.Optional<int?>("--checkpoint-every", "N", "Steps between checkpoints (also at the end).", "every 10 minutes").AtLeast(1);
        var dryRun = Opt.Flag("--dry-run", "Print the training plan (groups, augmentation, epochs, total steps, evaluation and checkpoint cadence, FLOPs per step) and exit without training.");
        var json = Opt.Flag("--json", "With --dry-run: print the plan as one JSON object.");
        var resume = Opt.Flag("--resume", "Continue from the checkpoint in the checkpoint folder (same data and options).");
        var emitCode = Opt.Optional<string>("--emit-code", "DIR", "Also write C# for the model: <name>.consumption.cs (ModelInput, ModelOutput, Predict) and <name>.training.cs (the pipeline trained). Sudoku and maze.");
        var command = common.AddTo(new Command("train", "Train a TRM and save the whole pipeline (puzzle text in, PredictedSolution text out) as an ML.NET model zip. " +
            "Without --data: the built-in demo (generates 9×9 Sudoku with 40 givens, trains a CPU-sized model, evaluates it on held-out puzzles and solves one). " +
            "Ctrl+C stops training at the next step, writes a checkpoint and exits (code 130); run the same command with --resume to continue.")
            { task, data, valid, preset, set, maxSteps, maxMinutes, output, checkpoints, checkpointEvery, resume, emitCode, dryRun, json });
        command.SetAction(r =>
        {
            var request = ResolveTrainRequest(r.GetValue(task)!, r.GetValue(data), r.GetValue(valid), r.GetValue(preset)!, r.GetValue(set) ?? Array.Empty<string>(),
                r.GetValue(maxSteps), r.GetValue(maxMinutes), r.GetValue(output), r.GetValue(checkpoints), r.GetValue(checkpointEvery), r.GetValue(resume), r.GetValue(emitCode))
                with { DryRun = r.GetValue(dryRun), Json = r.GetValue(json) };
            var ml = NewContext(r, common, request.Options.Seed);
            SetThreads(r, common);
            return Train(ml, request, io);
        });
        return command;
    }

    /// <summary>The options piece: preset, demo settings, <c>--set</c>, limits, output paths; every mistake is a usage error.</summary>
    internal static TrainRequest ResolveTrainRequest(string task, string? data, string? valid, string preset, IEnumerable<string> assignments,
        int? maxSteps, double? maxMinutes, string? output, string? checkpoints, int? checkpointEvery, bool resume, string? emitCode)
    {
        bool demo = data is null;
        Tasks.CheckName(task);
        if (demo && task != "sudoku") throw new UsageException($"'trm train --task {task}' needs --data PATH (the built-in demo is Sudoku).");
        if (valid is not null && demo) throw new UsageException("--valid needs --data (the built-in demo makes its own held-out set).");
        if (emitCode is not null && task == "arc") throw new UsageException("--emit-code writes code for Sudoku and maze models (ARC models read pre-augmented token rows).");
        if (!TrmPresets.Names.Contains(preset)) throw new UsageException($"unknown preset '{preset}': use one of {string.Join(", ", TrmPresets.Names)}.");
        var options = TrmPresets.Create(preset);
        if (demo) Demo.Configure(options);
        foreach (var assignment in assignments) OptionSetter.Apply(options, assignment);
        if (maxSteps is { } steps) options.MaxSteps = steps;
        else if (demo) options.MaxSteps = Demo.MaxSteps;
        maxMinutes ??= demo && maxSteps is null ? Demo.MaxMinutes : null;
        try { options.Validate(); }
        catch (ArgumentOutOfRangeException e) { throw new UsageException("--set: " + e.Message.Split('\n')[0].Replace(" (Parameter", " (option")); }
        output ??= $"trm-{task}.zip";
        return new TrainRequest(task, data, valid, preset, options, maxMinutes, output, checkpoints ?? output + ".checkpoints", checkpointEvery, resume, emitCode);
    }

    /// <summary><c>trm train</c>: data, pipeline, fit, report.</summary>
    internal static int Train(MLContext ml, TrainRequest request, Io io)
    {
        if (io.Verbose) ml.Log += (_, e) => { if (e.Source.StartsWith("Trm", StringComparison.Ordinal)) { io.EndLine(); io.Err.WriteLine(e.Message); } };
        var clock = Stopwatch.StartNew();
        var (train, valid) = LoadTrainingData(request, io);
        var options = request.Options;
        var pipeline = new TrainingPipeline(ml, train.Codec, request.Task == "arc", options, train, valid);
        if (request.DryRun) return DryRun(ml.Transforms.Trm(options), pipeline.TrainTokens, request.Task, request.Json, io, request.CheckpointEvery);
        io.Line(DescribeRun(request, train, valid));
        var fit = FitPipeline(pipeline, request, io);
        var model = pipeline.Complete(fit.Trm);
        ModelFile.Save(ml, model, ModelFile.InputSchema(ml, pipeline.Arc), request.Output);
        io.Line($"trained {fit.Trm.TrainedSteps} steps in {clock.Elapsed.TotalSeconds:F0} s; model saved to {request.Output} ({new FileInfo(request.Output).Length / 1024.0:F0} KiB); " +
            $"curves in {request.Output}.metrics.csv and {request.Output}.metrics.png");
        if (request.EmitCode is { } dir) io.Line(CodeEmitter.Write(dir, request, train.Codec));
        ReportHeldOut(ml, request, valid, fit.FinalValidation, io);
        return Ok;
    }

    /// <summary>The data piece: the demo's generated Sudoku, or the task's files.</summary>
    private static (LoadedData Train, LoadedData? Valid) LoadTrainingData(TrainRequest request, Io io)
    {
        if (request.Demo)
        {
            io.Line($"trm train: built-in demo: {Demo.Size}×{Demo.Size} Sudoku with {Demo.Givens} givens, {Demo.TrainCount} training and {Demo.ValidCount} held-out puzzles, preset '{request.Preset}'.");
            var generator = new SudokuGeneratorOptions { Size = Demo.Size, TargetGivens = Demo.Givens };
            var trainList = SudokuGenerator.Generate(generator, Demo.TrainSeed).Take(Demo.TrainCount).ToList();
            var seen = trainList.Select(e => e.Puzzle).ToHashSet();
            var validList = SudokuGenerator.Generate(generator, Demo.ValidSeed).Where(e => !seen.Contains(e.Puzzle)).Take(Demo.ValidCount).ToList();
            var codec = new SudokuCodec(Demo.Size);
            return (new LoadedData("sudoku", codec, trainList), new LoadedData("sudoku", codec, validList));
        }
        var train = Tasks.Load(request.Task, request.DataPath!, ArcSplit.Train);
        var valid = request.ValidPath is { } v ? Tasks.Load(request.Task, v, request.Task == "arc" ? ArcSplit.Test : ArcSplit.Train) : null;
        if (valid is not null && valid.Codec.Id != train.Codec.Id)
            throw new CliException($"{request.ValidPath}: puzzles of '{valid.Codec.Id}', but the training data holds '{train.Codec.Id}'.");
        return (train, valid);
    }

    private static string DescribeRun(TrainRequest request, LoadedData train, LoadedData? valid)
    {
        var o = request.Options;
        var codec = train.Codec;
        bool arc = request.Task == "arc";
        var groups = arc ? train.Examples.Select(e => e.Group).Distinct().Count() : train.Examples.Count;
        double perPuzzle = arc ? (double)train.Examples.Count / train.Examples.Select(e => (e.Group, e.PuzzleId)).Distinct().Count() : 1;
        long steps = Math.Min(o.MaxSteps ?? long.MaxValue, TrmTrainingPlan.ReferenceTotalSteps(o.Epochs, groups, perPuzzle, Math.Min(o.BatchSize, train.Examples.Count)));
        return $"training on {train.Examples.Count:N0} puzzles ({codec.Id}, {codec.SequenceLength} tokens){(valid is null ? "" : $", validating on {valid.Examples.Count:N0}")}: " +
            $"hidden {o.HiddenSize}, layers {o.Layers}, T={o.OuterCycles} n={o.InnerCycles} N_sup={o.MaxSupervisionSteps}, batch {o.BatchSize}, lr {OptionSetter.Format(o.LearningRate)}, " +
            $"{o.CountParameters(codec.VocabSize, codec.SequenceLength):N0} parameters, {steps:N0} steps" +
            (request.MaxMinutes is { } mm ? $" or {mm.ToString("0.##", CultureInfo.InvariantCulture)} min" : "") + ".";
    }

    /// <summary>What the fit piece returns: the trained TRM and the held-out metrics of its last step (the one evaluation at the end).</summary>
    private sealed record FitResult(TrmTransformer Trm, TrmMetrics? FinalValidation);

    /// <summary>The fit piece: trains with checkpoints and progress, keeps the metrics log and chart (also when interrupted).</summary>
    private static FitResult FitPipeline(TrainingPipeline pipeline, TrainRequest request, Io io)
    {
        string metricsCsv = request.Output + ".metrics.csv", metricsPng = request.Output + ".metrics.png";
        if (request.Resume && !(Directory.Exists(request.Checkpoints) && Directory.EnumerateFiles(request.Checkpoints).Any()))
            io.Line($"--resume: no checkpoint in {request.Checkpoints}; starting from scratch.");
        var rows = request.Resume ? TrainingLog.ReadCsv(metricsCsv) : new List<MetricsRow>();
        TrmProgress? last = null;
        try
        {
            var trm = ProgressDisplay.Run(io, "training", display =>
            {
                var settings = new TrmFitSettings
                {
                    ValidationData = pipeline.ValidTokens,
                    Progress = new SyncProgress(p => { last = p; rows.RemoveAll(r => r.Step >= p.Step); rows.Add(TrainingLog.From(p)); ShowProgress(p, request.MaxMinutes, display); }),
                    CancellationToken = io.Cancel,
                    MaxDuration = request.MaxMinutes is { } minutes ? TimeSpan.FromMinutes(minutes) : null,
                    CheckpointDirectory = request.Checkpoints,
                    CheckpointEverySteps = request.CheckpointEvery,
                    Resume = request.Resume,
                };
                return pipeline.Fit(settings);
            });
            WriteCurves(rows, metricsCsv, metricsPng, request.Output);
            return new FitResult(trm, last is { Validation: { } v } && last.Step == trm.TrainedSteps ? v : null);
        }
        catch (OperationCanceledException)
        {
            io.EndLine();
            WriteCurves(rows, metricsCsv, metricsPng, request.Output);
            throw new OperationCanceledException($"Training stopped; checkpoint in {request.Checkpoints}. Run the same command with --resume to continue.");
        }
    }

    /// <summary>One progress report: the bar moves with the steps or with the time limit, whichever is further along.</summary>
    private static void ShowProgress(TrmProgress p, double? maxMinutes, ProgressDisplay display)
    {
        double fraction = p.TotalSteps > 0 ? (double)p.Step / p.TotalSteps : 0;
        TimeSpan? remaining = p.Remaining;
        if (maxMinutes is { } m && m > 0)
        {
            var left = TimeSpan.FromMinutes(m) - p.Elapsed;
            if (left < TimeSpan.Zero) left = TimeSpan.Zero;
            fraction = Math.Max(fraction, p.Elapsed.TotalMinutes / m);
            if (remaining is null || left < remaining) remaining = left;
        }
        string line = $"step {p.Step}/{p.TotalSteps}  {p.ExamplesPerSecond:F0} ex/s  loss {p.Loss:F4}";
        if (p.Train is { Count: > 0 } t) line += $"  train exact {Pct(t.ExactAccuracy)} token {Pct(t.TokenAccuracy)}";
        if (remaining is { } r) line += $"  ETA {Eta(r)}";
        if (p.Validation is { } v) display.Line(line + $"  | valid exact {Pct(v.ExactAccuracy)} token {Pct(v.TokenAccuracy)} halt {Pct(v.HaltAccuracy)} steps {v.MeanSteps:F1}");
        display.Update(fraction, line, quiet: p.Validation is not null);
    }

    /// <summary>
    /// The report piece: held-out metrics from the evaluation at the last training step (evaluated once; the saved zip is
    /// evaluated again only when training had nothing left to do, e.g. a resumed run that had already finished), the
    /// copy-the-givens baseline, and for the demo one held-out puzzle solved by the saved zip.
    /// </summary>
    private static void ReportHeldOut(MLContext ml, TrainRequest request, LoadedData? valid, TrmMetrics? final, Io io)
    {
        if (valid is null) return;
        ModelFile.Loaded? loaded = null;
        if (final is null)
        {
            loaded = ModelFile.Load(new MLContext(), request.Output);
            final = Evaluate(ml, loaded, valid, io).Metrics;
        }
        io.Line($"held-out ({valid.Examples.Count} puzzles): exact {Pct(final.ExactAccuracy)}, token {Pct(final.TokenAccuracy)}, halt {Pct(final.HaltAccuracy)}, mean steps {final.MeanSteps:F2}");
        if (request.Task != "arc") io.Line($"baseline (copy the givens, leave blanks): exact {Pct(CopyBaseline(valid, exact: true))}, token {Pct(CopyBaseline(valid, exact: false))}");
        if (!request.Demo) return;
        io.Line();
        io.Line("a held-out puzzle and the model's answer:");
        SolveAndPrint(ml, loaded ?? ModelFile.Load(new MLContext(), request.Output), valid.Examples[0].Puzzle, io);
    }

    private static string Eta(TimeSpan r) => r.TotalHours >= 1 ? r.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : r.ToString(@"m\:ss", CultureInfo.InvariantCulture);

    private static void WriteCurves(List<MetricsRow> rows, string csv, string png, string model)
    {
        if (rows.Count == 0) return;
        TrainingLog.WriteCsv(csv, rows);
        Files.WriteAtomic(png, s => s.Write(TrainingLog.Plot(rows, Path.GetFileName(model))));
    }

    /// <summary>Exact/token accuracy of answering with the puzzle itself (givens kept, blanks wrong).</summary>
    private static double CopyBaseline(LoadedData d, bool exact)
    {
        double sum = 0;
        foreach (var e in d.Examples)
        {
            var x = d.Codec.Encode(e.Puzzle); var y = d.Codec.Encode(e.Solution);
            int right = 0, n = 0;
            for (int i = 0; i < y.Length; i++) { if (y[i] == PuzzleCodec.Pad) continue; n++; if (x[i] == y[i]) right++; }
            sum += exact ? (right == n ? 1 : 0) : (double)right / Math.Max(1, n);
        }
        return sum / Math.Max(1, d.Examples.Count);
    }
}
