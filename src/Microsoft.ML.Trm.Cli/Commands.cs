using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.ML.Trm.Data;

namespace Microsoft.ML.Trm.Cli;

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

    private static int Presets(ParsedArgs a, Io io)
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

    private static int GenerateSudoku(ParsedArgs a, Io io)
    {
        int count = a.Int("count", 1), size = a.Int("size"), seed = a.Int("seed");
        if (size != 4 && size != 9) throw new UsageException($"option '--size' of 'trm generate sudoku' must be 4 or 9, got {size}.");
        int givens = a.OptionalInt("givens", 0, size * size) ?? (size == 9 ? 28 : 8);
        var options = new SudokuGeneratorOptions { Size = size, TargetGivens = givens, MinBacktracks = a.Int("min-backtracks", 0) };
        string output = a.Required("out");
        var clock = Stopwatch.StartNew();
        var list = new List<PuzzleExample>(count);
        foreach (var e in SudokuGenerator.Generate(options, seed))
        {
            io.Cancel.ThrowIfCancellationRequested();
            list.Add(e);
            if (list.Count % 500 == 0) io.Status($"generated {list.Count}/{count} puzzles ({list.Count / clock.Elapsed.TotalSeconds:F0}/s)");
            if (list.Count == count) break;
        }
        Files.WriteTextAtomic(output, w => SudokuFile.WriteCsv(w, list));
        io.Line($"wrote {count} {size}×{size} Sudoku puzzles ({list.Average(e => SudokuRules.CountGivens(e.Puzzle, size)):F1} givens on average) to {output} in {clock.Elapsed.TotalSeconds:F1} s");
        return Ok;
    }

    private static int GenerateMaze(ParsedArgs a, Io io)
    {
        int count = a.Int("count", 1), size = a.Int("size", 5, 200), seed = a.Int("seed");
        var options = new MazeGeneratorOptions { Size = size, MinPathLength = a.OptionalInt("min-path", 1) };
        string output = a.Required("out");
        var clock = Stopwatch.StartNew();
        var list = new List<PuzzleExample>(count);
        foreach (var e in MazeGenerator.Generate(options, seed))
        {
            io.Cancel.ThrowIfCancellationRequested();
            list.Add(e);
            if (list.Count % 100 == 0) io.Status($"generated {list.Count}/{count} mazes ({list.Count / clock.Elapsed.TotalSeconds:F0}/s)");
            if (list.Count == count) break;
        }
        Files.WriteTextAtomic(output, w => MazeFile.WriteCsv(w, list));
        io.Line($"wrote {count} {size}×{size} mazes to {output} in {clock.Elapsed.TotalSeconds:F1} s");
        return Ok;
    }

    private static int GenerateArc(ParsedArgs a, Io io)
    {
        string tasksDir = a.Required("tasks"), output = a.Required("out");
        int augmentations = a.Int("augmentations", 0), seed = a.Int("seed");
        if (!Directory.Exists(tasksDir)) throw new CliException($"{tasksDir}: folder not found.");
        var evalTasks = ArcFile.ReadFolder(tasksDir).ToList();
        if (evalTasks.Count == 0) throw new CliException($"{tasksDir}: no *.json task files.");
        var subsets = new List<ArcSubsetTask>();
        if (a.String("train-tasks") is { } trainDir)
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

    private static int ArcScore(ParsedArgs a, Io io)
    {
        string tasksDir = a.Required("tasks"), submissionPath = a.Required("submission");
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
