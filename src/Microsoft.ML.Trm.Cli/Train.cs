using System.CommandLine;
using System.Diagnostics;

namespace Microsoft.ML.Trm.Cli;

using Command = System.CommandLine.Command; // not the namespace Microsoft.ML.Command

public static partial class Cli
{
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

    /// <summary><c>trm train</c>: data (TrainData.cs), pipeline (TrainingPipeline.cs), fit (TrainFit.cs), report (TrainReport.cs).</summary>
    internal static int Train(MLContext ml, TrainRequest request, Io io)
    {
        if (io.Verbose) ml.Log += (_, e) => { if (e.Source.StartsWith("Trm", StringComparison.Ordinal)) { io.EndLine(); io.Err.WriteLine(e.Message); } };
        var clock = Stopwatch.StartNew();
        var (train, valid) = LoadTrainingData(request, io);
        var pipeline = new TrainingPipeline(ml, train.Codec, request.Task == "arc", request.Options, train, valid);
        var plan = pipeline.Plan(new TrmFitSettings { CheckpointEverySteps = request.CheckpointEvery });
        if (request.DryRun) return DryRun(plan, request.Task, request.Json, io);
        io.Line(DescribeRun(ml, request, train.Codec, plan, valid));
        var fit = FitPipeline(pipeline, request, io);
        ModelFile.Save(ml, fit.Model, ModelFile.InputSchema(ml, pipeline.Arc), request.Output);
        io.Line($"trained {fit.Trm.TrainedSteps} steps in {clock.Elapsed.TotalSeconds:F0} s; model saved to {request.Output} ({new FileInfo(request.Output).Length / 1024.0:F0} KiB); " +
            $"curves in {request.Output}.metrics.csv and {request.Output}.metrics.png");
        if (request.EmitCode is { } dir) io.Line(CodeEmitter.Write(dir, request, train.Codec));
        ReportHeldOut(ml, request, valid, fit.FinalValidation, io);
        return Ok;
    }
}
