using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.ML.Trm.Data;

namespace Microsoft.ML.Trm.Cli;

using Command = System.CommandLine.Command; // not the namespace Microsoft.ML.Command

public static partial class Cli
{
    /// <summary>Data shape each preset is counted for: vocabulary (PAD included) and sequence length.</summary>
    private static (int Vocab, int Length, string Data) ShapeOf(string preset) => preset switch
    {
        TrmPresets.MazeAtt => (6, 900, "maze 30×30"),
        TrmPresets.ArcAtt => (12, 900, "arc 30×30"),
        TrmPresets.Tiny => (6, 16, "sudoku 4×4"),
        _ => (11, 81, "sudoku 9×9"),
    };

    private static Command PresetsCommand(Io io)
    {
        var command = new Command("presets", "List the named TRM configurations with their size (trainable parameters for the preset's data shape).");
        command.SetAction(_ => Presets(io));
        return command;
    }

    private static int Presets(Io io)
    {
        var rows = new List<string[]> { new[] { "name", "data", "mixer", "hidden", "layers", "T", "n", "N_sup", "batch", "lr", "parameters" } };
        foreach (var name in TrmPresets.Names)
        {
            var o = TrmPresets.Create(name);
            var (vocab, length, data) = ShapeOf(name);
            long count = o.CountParameters(vocab, length);
            rows.Add(new[] { name, data, o.Mixer.ToString(), o.HiddenSize.ToString(CultureInfo.InvariantCulture), o.Layers.ToString(CultureInfo.InvariantCulture),
                o.OuterCycles.ToString(CultureInfo.InvariantCulture), o.InnerCycles.ToString(CultureInfo.InvariantCulture), o.MaxSupervisionSteps.ToString(CultureInfo.InvariantCulture),
                o.BatchSize.ToString(CultureInfo.InvariantCulture), OptionSetter.Format(o.LearningRate), count.ToString("N0", CultureInfo.InvariantCulture) });
        }
        io.Out.Write(Table(rows, rightAligned: new[] { 3, 4, 5, 6, 7, 8, 9, 10 }));
        io.Out.WriteLine("T = outer (H) cycles, n = inner (L) cycles, N_sup = supervision steps; parameters exclude the puzzle-embedding table.");
        return Ok;
    }

    internal static string Table(IReadOnlyList<string[]> rows, int[] rightAligned)
    {
        int columns = rows[0].Length;
        var widths = Enumerable.Range(0, columns).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var sb = new StringBuilder();
        foreach (var r in rows)
            sb.AppendLine(string.Join("  ", r.Select((v, c) => rightAligned.Contains(c) ? v.PadLeft(widths[c]) : v.PadRight(widths[c]))).TrimEnd());
        return sb.ToString();
    }

    private static Command GenerateSudokuCommand(Io io)
    {
        var count = Opt.Required<int>("--count", "N", "Number of puzzles.").AtLeast(1);
        var output = Opt.Required<string>("--out", "FILE", "CSV file to write.");
        var seed = Opt.Default("--seed", "S", "Random seed.", 0);
        var size = Opt.Default("--size", "4|9", "Grid side: 4 or 9.", 9).Suggest("4", "9");
        size.Validators.Add(r => { if (r.GetValueOrDefault<int>() is not (4 or 9)) r.AddError($"option '--size' of 'trm generate sudoku' must be 4 or 9, got {r.GetValueOrDefault<int>()}."); });
        var givens = Opt.Optional<int?>("--givens", "G", "Target number of givens (more stay when no cell can be removed).", "28 for 9×9, 8 for 4×4").Between(0, 81);
        var minBacktracks = Opt.Default("--min-backtracks", "B", "Only keep puzzles whose solver needs at least this many backtracks.", 0).AtLeast(0);
        var command = new Command("sudoku", "Generate Sudoku puzzles with unique solutions as CSV (source,question,answer,rating; rating = solver backtracks).")
            { count, output, seed, size, givens, minBacktracks };
        command.SetAction(r =>
        {
            int n = r.GetValue(size);
            var options = new SudokuGeneratorOptions { Size = n, TargetGivens = Math.Min(n * n, r.GetValue(givens) ?? (n == 9 ? 28 : 8)), MinBacktracks = r.GetValue(minBacktracks) };
            return GenerateSudoku(options, r.GetValue(count), r.GetValue(seed), r.GetValue(output)!, io);
        });
        return command;
    }

    private static int GenerateSudoku(SudokuGeneratorOptions options, int count, int seed, string output, Io io) =>
        WriteGenerated(SudokuGenerator.Generate(options, seed), count, "puzzles", 500, output, (w, l) => SudokuFile.WriteCsv(w, l), io,
            list => $"{options.Size}×{options.Size} Sudoku puzzles ({list.Average(e => SudokuRules.CountGivens(e.Puzzle, options.Size)):F1} givens on average)");

    private static Command GenerateMazeCommand(Io io)
    {
        var count = Opt.Required<int>("--count", "N", "Number of mazes.").AtLeast(1);
        var output = Opt.Required<string>("--out", "FILE", "CSV file to write.");
        var seed = Opt.Default("--seed", "S", "Random seed.", 0);
        var size = Opt.Default("--size", "N", "Grid side.", 30).Between(5, 200);
        var minPath = Opt.Optional<int?>("--min-path", "L", "Shortest accepted path length.", "110 × size² / 900").AtLeast(1);
        var command = new Command("maze", "Generate mazes with their shortest path as CSV (source,question,answer,rating; rating = path length).")
            { count, output, seed, size, minPath };
        command.SetAction(r => GenerateMaze(new MazeGeneratorOptions { Size = r.GetValue(size), MinPathLength = r.GetValue(minPath) },
            r.GetValue(count), r.GetValue(seed), r.GetValue(output)!, io));
        return command;
    }

    private static int GenerateMaze(MazeGeneratorOptions options, int count, int seed, string output, Io io) =>
        WriteGenerated(MazeGenerator.Generate(options, seed), count, "mazes", 100, output, MazeFile.WriteCsv, io, _ => $"{options.Size}×{options.Size} mazes");

    /// <summary>
    /// Writes the first <paramref name="count"/> examples of a generator to <paramref name="output"/> (atomically), with a
    /// status line every <paramref name="every"/> examples (Ctrl+C stops), then a line "wrote N (what) to FILE".
    /// </summary>
    private static int WriteGenerated(IEnumerable<PuzzleExample> source, int count, string noun, int every, string output,
        Action<TextWriter, IEnumerable<PuzzleExample>> write, Io io, Func<List<PuzzleExample>, string> what)
    {
        var clock = Stopwatch.StartNew();
        var list = new List<PuzzleExample>(count);
        foreach (var e in source)
        {
            io.Cancel.ThrowIfCancellationRequested();
            list.Add(e);
            if (list.Count % every == 0) io.Status($"generated {list.Count}/{count} {noun} ({list.Count / clock.Elapsed.TotalSeconds:F0}/s)");
            if (list.Count == count) break;
        }
        Files.WriteTextAtomic(output, w => write(w, list));
        io.Line($"wrote {count} {what(list)} to {output} in {clock.Elapsed.TotalSeconds:F1} s");
        return Ok;
    }

    private static Command GenerateArcCommand(Io io)
    {
        var tasks = Opt.Required<string>("--tasks", "DIR", "Folder of ARC task files (<id>.json): demonstrations train, test inputs are evaluated.");
        var trainTasks = Opt.Optional<string>("--train-tasks", "DIR", "Optional folder of extra tasks used only for training (all their pairs).");
        var output = Opt.Required<string>("--out", "DIR", "Output folder.");
        var augmentations = Opt.Default("--augmentations", "K", "Augmented variants per task (dihedral transform + colour permutation) besides the original (the reference's num_aug).", 1000).AtLeast(0);
        var seed = Opt.Default("--seed", "S", "Random seed.", 42);
        var command = new Command("arc", "Build the augmented ARC training set from task JSON files. Writes OUT/train.csv (demonstrations of every variant, translated), " +
            "OUT/test.csv (test inputs of every variant) and OUT/tasks/ (the --tasks tasks, to score against). Read back by 'trm train --task arc --data OUT' and 'trm eval --data OUT'.")
            { tasks, trainTasks, output, augmentations, seed };
        command.SetAction(r => GenerateArc(r.GetValue(tasks)!, r.GetValue(trainTasks), r.GetValue(output)!, r.GetValue(augmentations), r.GetValue(seed), io));
        return command;
    }

    private static int GenerateArc(string tasksDir, string? trainDirOption, string output, int augmentations, int seed, Io io)
    {
        if (!Directory.Exists(tasksDir)) throw new CliException($"{tasksDir}: folder not found.");
        var evalTasks = ArcFile.ReadFolder(tasksDir).ToList();
        if (evalTasks.Count == 0) throw new CliException($"{tasksDir}: no *.json task files.");
        var subsets = new List<ArcSubsetTask>();
        if (trainDirOption is { } trainDir)
        {
            if (!Directory.Exists(trainDir)) throw new CliException($"{trainDir}: folder not found.");
            subsets.AddRange(ArcFile.ReadFolder(trainDir).Select(t => new ArcSubsetTask(t, "training", false)));
        }
        subsets.AddRange(evalTasks.Select(t => new ArcSubsetTask(t, "evaluation", true)));
        var options = new ArcDatasetOptions { Augmentations = augmentations, Seed = seed };
        var all = ArcDataset.Build(subsets, options).ToList();
        Directory.CreateDirectory(output);
        Files.WriteTextAtomic(Path.Combine(output, "train.csv"), w => Tasks.WriteArcCsv(w, all.Where(e => e.Split == ArcSplit.Train)));
        Files.WriteTextAtomic(Path.Combine(output, "test.csv"), w => Tasks.WriteArcCsv(w, all.Where(e => e.Split == ArcSplit.Test)));
        string copy = Path.Combine(output, "tasks");
        Directory.CreateDirectory(copy);
        foreach (var t in evalTasks)
        {
            string target = Path.Combine(copy, t.Id + ".json"), temp = target + $".{Environment.ProcessId}.tmp";
            ArcFile.WriteTask(temp, t);
            File.Move(temp, target, overwrite: true);
        }
        int puzzles = all.Select(e => e.Example.PuzzleId).Distinct().Count();
        io.Line($"wrote {all.Count(e => e.Split == ArcSplit.Train)} training and {all.Count(e => e.Split == ArcSplit.Test)} test rows ({puzzles} puzzle variants of {subsets.Count} tasks) to {output}");
        return Ok;
    }

    private static Command ArcScoreCommand(Io io)
    {
        var tasks = Opt.Required<string>("--tasks", "DIR", "Folder of ARC task files with test outputs.");
        var submission = Opt.Required<string>("--submission", "FILE", "submission.json to score.");
        var command = new Command("score", "Score an ARC Prize submission.json against tasks with known test outputs (pass@2: either attempt right).") { tasks, submission };
        command.SetAction(r => ArcScore(r.GetValue(tasks)!, r.GetValue(submission)!, io));
        return command;
    }

    private static int ArcScore(string tasksDir, string submissionPath, Io io)
    {
        if (!Directory.Exists(tasksDir)) throw new CliException($"{tasksDir}: folder not found.");
        if (!File.Exists(submissionPath)) throw new CliException($"{submissionPath}: file not found.");
        var tasks = ArcFile.ReadFolder(tasksDir).ToList();
        var score = ArcSubmission.Score(ArcSubmission.Read(submissionPath), tasks);
        int width = Math.Max(4, score.PerTask.Keys.DefaultIfEmpty("").Max(k => k.Length));
        io.Out.WriteLine("task".PadRight(width) + "  pass@2");
        foreach (var (id, v) in score.PerTask.OrderBy(p => p.Key, StringComparer.Ordinal))
            io.Out.WriteLine(id.PadRight(width) + "  " + Pct(v).PadLeft(6));
        io.Out.WriteLine($"overall pass@2: {Pct(score.Overall)} ({score.PerTask.Count} tasks)");
        return Ok;
    }
}
