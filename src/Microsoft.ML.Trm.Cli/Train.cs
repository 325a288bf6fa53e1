using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.Data;
using Microsoft.ML.Trm.Data;

namespace Microsoft.ML.Trm.Cli;

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

    private sealed class TextRow
    {
        public string Puzzle { get; set; } = "";
        public string Solution { get; set; } = "";
    }

    private static int Train(ParsedArgs a, Io io)
    {
        bool demo = !a.Has("data");
        string task = Tasks.CheckName(a.String("task")!);
        if (demo && task != "sudoku") throw new UsageException($"'trm train --task {task}' needs --data PATH (the built-in demo is Sudoku).");
        if (a.Has("valid") && demo) throw new UsageException("--valid needs --data (the built-in demo makes its own held-out set).");
        string preset = a.String("preset")!;
        if (!TrmPresets.Names.Contains(preset)) throw new UsageException($"unknown preset '{preset}': use one of {string.Join(", ", TrmPresets.Names)}.");
        var options = TrmPresets.Create(preset);
        if (demo) Demo.Configure(options);
        foreach (var assignment in a.All("set")) OptionSetter.Apply(options, assignment);
        if (a.OptionalInt("max-steps", 1) is { } maxSteps) options.MaxSteps = maxSteps;
        else if (demo) options.MaxSteps = Demo.MaxSteps;
        double? maxMinutes = a.OptionalDouble("max-minutes") ?? (demo && !a.Has("max-steps") ? Demo.MaxMinutes : null);
        try { options.Validate(); }
        catch (ArgumentOutOfRangeException e) { throw new UsageException("--set: " + e.Message.Split('\n')[0].Replace(" (Parameter", " (option")); }
        string output = a.String("out") ?? $"trm-{task}.zip";
        string checkpoints = a.String("checkpoints") ?? output + ".checkpoints";
        int? checkpointEvery = a.OptionalInt("checkpoint-every", 1);
        var ml = NewContext(a, options.Seed);
        SetThreads(a);
        if (io.Verbose) ml.Log += (_, e) => { if (e.Source.StartsWith("Trm", StringComparison.Ordinal)) { io.EndLine(); io.Err.WriteLine(e.Message); } };

        // Data.
        LoadedData train, valid;
        var clock = Stopwatch.StartNew();
        if (demo)
        {
            io.Line($"trm train: built-in demo: {Demo.Size}×{Demo.Size} Sudoku with {Demo.Givens} givens, {Demo.TrainCount} training and {Demo.ValidCount} held-out puzzles, preset '{preset}'.");
            var generator = new SudokuGeneratorOptions { Size = Demo.Size, TargetGivens = Demo.Givens };
            var trainList = SudokuGenerator.Generate(generator, Demo.TrainSeed).Take(Demo.TrainCount).ToList();
            var seen = trainList.Select(e => e.Puzzle).ToHashSet();
            var validList = SudokuGenerator.Generate(generator, Demo.ValidSeed).Where(e => !seen.Contains(e.Puzzle)).Take(Demo.ValidCount).ToList();
            var codec = new SudokuCodec(Demo.Size);
            train = new LoadedData("sudoku", codec, trainList);
            valid = new LoadedData("sudoku", codec, validList);
        }
        else
        {
            train = Tasks.Load(task, a.Required("data"), ArcSplit.Train);
            valid = a.String("valid") is { } v ? Tasks.Load(task, v, task == "arc" ? ArcSplit.Test : ArcSplit.Train) : null!;
            if (valid is not null && valid.Codec.Id != train.Codec.Id)
                throw new CliException($"{a.String("valid")}: puzzles of '{valid.Codec.Id}', but the training data holds '{train.Codec.Id}'.");
        }
        var codecUsed = train.Codec;
        bool arc = task == "arc";
        if (arc)
        {
            options.PuzzleIdColumnName = PuzzleDataViews.Columns.PuzzleId;
            options.GroupColumnName = PuzzleDataViews.Columns.Group;   // one group per task: an epoch draws one variant of each
            int maxId = train.Examples.Concat(valid?.Examples ?? Array.Empty<PuzzleExample>()).Max(e => e.PuzzleId);
            options.NumPuzzleIdentifiers = Math.Max(options.NumPuzzleIdentifiers ?? 0, maxId + 1);
        }

        // Fitted pieces: puzzle encoder (saved), solution encoder (training only), TRM, decoder (saved).
        var puzzleEncoder = ml.Transforms.EncodePuzzle(PuzzleDataViews.Columns.PuzzleTokens, PuzzleDataViews.Columns.Puzzle, codecUsed);
        var solutionEncoder = ml.Transforms.EncodePuzzle(PuzzleDataViews.Columns.SolutionTokens, PuzzleDataViews.Columns.Solution, codecUsed);
        IDataView TokenView(LoadedData d, out PuzzleEncodingTransformer encoder)
        {
            if (arc)
            {
                // ARC rows carry tokens translated on the canvas, which the text alone cannot give: train on them directly.
                var view = PuzzleDataViews.FromExamples(ml, d.Examples, codecUsed);
                encoder = puzzleEncoder.Fit(view);
                return view;
            }
            var text = ml.Data.LoadFromEnumerable(d.Examples.Select(e => new TextRow { Puzzle = e.Puzzle, Solution = e.Solution }).ToList());
            encoder = puzzleEncoder.Fit(text);
            var withPuzzle = encoder.Transform(text);
            return solutionEncoder.Fit(withPuzzle).Transform(withPuzzle);
        }
        var trainView = TokenView(train, out var fittedEncoder);
        var validView = valid is null ? null : TokenView(valid, out _);
        if (validView is not null && options.EvaluateEverySteps == 0) options.EvaluateEverySteps = Math.Max(options.LogEverySteps, 100);

        if (a.Flag("dry-run")) return DryRun(ml.Transforms.Trm(options), trainView, task, a.Flag("json"), io, checkpointEvery);
        var groups = arc ? train.Examples.Select(e => e.Group).Distinct().Count() : train.Examples.Count;
        double perPuzzle = arc ? (double)train.Examples.Count / train.Examples.Select(e => (e.Group, e.PuzzleId)).Distinct().Count() : 1;
        long steps = Math.Min(options.MaxSteps ?? long.MaxValue, TrmTrainingPlan.ReferenceTotalSteps(options.Epochs, groups, perPuzzle, Math.Min(options.BatchSize, train.Examples.Count)));
        io.Line($"training on {train.Examples.Count:N0} puzzles ({codecUsed.Id}, {codecUsed.SequenceLength} tokens){(valid is null ? "" : $", validating on {valid.Examples.Count:N0}")}: " +
            $"hidden {options.HiddenSize}, layers {options.Layers}, T={options.OuterCycles} n={options.InnerCycles} N_sup={options.MaxSupervisionSteps}, batch {options.BatchSize}, lr {OptionSetter.Format(options.LearningRate)}, " +
            $"{options.CountParameters(codecUsed.VocabSize, codecUsed.SequenceLength):N0} parameters, {steps:N0} steps" + (maxMinutes is { } mm ? $" or {mm.ToString("0.##", CultureInfo.InvariantCulture)} min" : "") + ".");

        // Metrics log (continued on --resume).
        string metricsCsv = output + ".metrics.csv", metricsPng = output + ".metrics.png";
        bool resume = a.Flag("resume");
        if (resume && !(Directory.Exists(checkpoints) && Directory.EnumerateFiles(checkpoints).Any()))
            io.Line($"--resume: no checkpoint in {checkpoints}; starting from scratch.");
        var rows = resume ? TrainingLog.ReadCsv(metricsCsv) : new List<MetricsRow>();
        var progress = new SyncProgress(p =>
        {
            rows.RemoveAll(r => r.Step >= p.Step);
            rows.Add(TrainingLog.From(p));
            string line = $"step {p.Step}/{p.TotalSteps}  {p.ExamplesPerSecond:F0} ex/s  loss {p.Loss:F4}";
            if (p.Train is { Count: > 0 } t) line += $"  train exact {Pct(t.ExactAccuracy)} token {Pct(t.TokenAccuracy)}";
            if (p.Remaining is { } r) line += $"  ETA {Eta(r)}";
            if (p.Validation is { } v) io.Line(line + $"  | valid exact {Pct(v.ExactAccuracy)} token {Pct(v.TokenAccuracy)} halt {Pct(v.HaltAccuracy)} steps {v.MeanSteps:F1}");
            else io.Status(line);
        });
        var settings = new TrmFitSettings
        {
            ValidationData = validView,
            Progress = progress,
            CancellationToken = io.Cancel,
            MaxDuration = maxMinutes is { } minutes ? TimeSpan.FromMinutes(minutes) : null,
            CheckpointDirectory = checkpoints,
            CheckpointEverySteps = checkpointEvery,
            Resume = resume,
        };

        TrmTransformer trm;
        try
        {
            trm = ml.Transforms.Trm(options).Fit(trainView, settings);
        }
        catch (OperationCanceledException)
        {
            io.EndLine();
            WriteCurves(rows, metricsCsv, metricsPng, output);
            throw new OperationCanceledException($"Training stopped; checkpoint in {checkpoints}. Run the same command with --resume to continue.");
        }
        io.EndLine();
        var decoder = ml.Transforms.DecodePuzzle("PredictedSolution", trm.Options.PredictedTokensColumnName, codecUsed).Fit(trm.Transform(fittedEncoder.Transform(trainView)));
        var model = ModelFile.Chain(fittedEncoder, trm, decoder);
        ModelFile.Save(ml, model, ModelFile.InputSchema(ml, arc), output);
        WriteCurves(rows, metricsCsv, metricsPng, output);
        io.Line($"trained {trm.TrainedSteps} steps in {clock.Elapsed.TotalSeconds:F0} s; model saved to {output} ({new FileInfo(output).Length / 1024.0:F0} KiB); curves in {metricsCsv} and {metricsPng}");

        if (valid is not null)
        {
            var loaded = ModelFile.Load(new MLContext(), output);
            var result = Evaluate(ml, loaded, valid, io);
            io.Line($"held-out ({valid.Examples.Count} puzzles): exact {Pct(result.Metrics.ExactAccuracy)}, token {Pct(result.Metrics.TokenAccuracy)}, halt {Pct(result.Metrics.HaltAccuracy)}, mean steps {result.Metrics.MeanSteps:F2}");
            if (!arc) io.Line($"baseline (copy the givens, leave blanks): exact {Pct(CopyBaseline(valid, exact: true))}, token {Pct(CopyBaseline(valid, exact: false))}");
            if (demo)
            {
                var example = valid.Examples[0];
                io.Line();
                io.Line("a held-out puzzle and the model's answer:");
                SolveAndPrint(ml, loaded, example.Puzzle, io);
            }
        }
        return Ok;
    }

    private static string Eta(TimeSpan r) => r.TotalHours >= 1 ? r.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : r.ToString(@"m\:ss", CultureInfo.InvariantCulture);

    private static void WriteCurves(List<MetricsRow> rows, string csv, string png, string model)
    {
        if (rows.Count == 0) return;
        TrainingLog.WriteCsv(csv, rows);
        var last = rows[^1];
        var validated = rows.LastOrDefault(r => double.IsFinite(r.ValidExact));
        string title = $"{Path.GetFileName(model)}: {last.Step} STEPS" + (validated is null ? "" : $", HELD-OUT EXACT {Pct(validated.ValidExact)} AT STEP {validated.Step}");
        Files.WriteAtomic(png, s => s.Write(TrainingLog.Plot(rows, title)));
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
