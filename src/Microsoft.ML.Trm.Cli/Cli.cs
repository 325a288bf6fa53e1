using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.ML.Data;
using Microsoft.ML.Trm.Data;

namespace Microsoft.ML.Trm.Cli;

/// <summary>
/// The <c>trm</c> tool. <see cref="Run"/> is the whole program (Program.Main only wires the console and Ctrl+C):
/// exit code 0 on success, 1 on failure, 2 on a usage error, 130 when interrupted.
/// </summary>
public static partial class Cli
{
    public const int Ok = 0, Failure = 1, Usage = 2, Interrupted = 130;

    /// <summary>Runs one command line. <paramref name="live"/>: stdout is a terminal (progress on one line with carriage returns).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancel = default, bool live = false)
    {
        bool verbose = args.Contains("--verbose");
        var io = new Io(stdout, stderr, live, verbose, cancel);
        try
        {
            if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
            {
                stdout.Write(MainHelp());
                return args.Length == 0 ? Usage : Ok;
            }
            if (args[0] == "--version") { stdout.WriteLine(typeof(Cli).Assembly.GetName().Version); return Ok; }
            string command = args[0];
            var rest = args.Skip(1).ToList();
            if (command == "arc")
            {
                if (rest.Count == 0 || rest[0] != "score") throw new UsageException("unknown command 'arc" + (rest.Count > 0 ? " " + rest[0] : "") + "': did you mean 'trm arc score'?");
                command = "arc score"; rest.RemoveAt(0);
            }
            if (command == "generate" && rest.Count > 0 && !rest[0].StartsWith('-')) { command = "generate " + rest[0]; rest.RemoveAt(0); }
            var spec = Specs.FirstOrDefault(s => s.Name == command)
                ?? throw new UsageException(command == "generate" ? "'trm generate' needs a kind: sudoku, maze or arc (see 'trm generate sudoku --help')."
                    : $"unknown command '{command}' (see 'trm --help').");
            if (rest.Contains("--help") || rest.Contains("-h")) { stdout.Write(spec.Help()); return Ok; }
            var a = spec.Parse(rest);
            return command switch
            {
                "presets" => Presets(a, io),
                "generate sudoku" => GenerateSudoku(a, io),
                "generate maze" => GenerateMaze(a, io),
                "generate arc" => GenerateArc(a, io),
                "train" => Train(a, io),
                "eval" => Eval(a, io),
                "solve" => Solve(a, io),
                "arc score" => ArcScore(a, io),
                "serve" => Serve(a, io),
                _ => throw new UsageException($"unknown command '{command}'."),
            };
        }
        catch (UsageException e)
        {
            io.EndLine();
            stderr.WriteLine("trm: " + e.Message);
            return Usage;
        }
        catch (OperationCanceledException e)
        {
            io.EndLine();
            stderr.WriteLine("trm: interrupted. " + e.Message);
            if (verbose) stderr.WriteLine(e);
            return Interrupted;
        }
        catch (Exception e)
        {
            io.EndLine();
            stderr.WriteLine("trm: error: " + Describe(e));
            if (verbose) stderr.WriteLine(e);
            else stderr.WriteLine("(run with --verbose for details)");
            return Failure;
        }
    }

    private static string Describe(Exception e)
    {
        // The innermost message usually names the file, row and problem; ML.NET wraps some exceptions.
        var inner = e;
        while (inner is System.Reflection.TargetInvocationException or AggregateException or TypeInitializationException && inner.InnerException is not null) inner = inner.InnerException;
        string message = inner.Message.Replace('\n', ' ').Replace("\r", "");
        return inner is CliException or PuzzleFormatException or IOException or UnauthorizedAccessException ? message : $"{message} ({inner.GetType().Name})";
    }

    /// <summary>Console plumbing shared by the commands.</summary>
    internal sealed class Io(TextWriter stdout, TextWriter stderr, bool live, bool verbose, CancellationToken cancel)
    {
        private int _liveLength;
        public TextWriter Out { get; } = stdout;
        public TextWriter Err { get; } = stderr;
        public bool Live { get; } = live;
        public bool Verbose { get; } = verbose;
        public CancellationToken Cancel { get; } = cancel;

        /// <summary>A progress line: rewritten in place on a terminal, a plain line otherwise.</summary>
        public void Status(string line)
        {
            if (!Live) { Out.WriteLine(line); return; }
            Out.Write("\r" + line.PadRight(_liveLength));
            _liveLength = line.Length;
            Out.Flush();
        }

        /// <summary>A permanent line (ends a live status line first).</summary>
        public void Line(string line = "")
        {
            EndLine();
            Out.WriteLine(line);
        }

        public void EndLine()
        {
            if (_liveLength > 0) { Out.WriteLine(); _liveLength = 0; }
        }
    }

    internal static readonly CommandSpec[] Specs =
    {
        new("presets", "List the named TRM configurations with their size (trainable parameters for the preset's data shape).", "trm presets"),
        new("generate sudoku", "Generate Sudoku puzzles with unique solutions as CSV (source,question,answer,rating; rating = solver backtracks).",
            "trm generate sudoku --count N --out FILE [options]",
            new OptionSpec("count", "Number of puzzles.", null, "N"),
            new OptionSpec("out", "CSV file to write.", null, "FILE"),
            new OptionSpec("seed", "Random seed.", "0", "S"),
            new OptionSpec("size", "Grid side: 4 or 9.", "9", "4|9"),
            new OptionSpec("givens", "Target number of givens (more stay when no cell can be removed).", null, "G") { DefaultText = "28 for 9×9, 8 for 4×4" },
            new OptionSpec("min-backtracks", "Only keep puzzles whose solver needs at least this many backtracks.", "0", "B")),
        new("generate maze", "Generate mazes with their shortest path as CSV (source,question,answer,rating; rating = path length).",
            "trm generate maze --count N --out FILE [options]",
            new OptionSpec("count", "Number of mazes.", null, "N"),
            new OptionSpec("out", "CSV file to write.", null, "FILE"),
            new OptionSpec("seed", "Random seed.", "0", "S"),
            new OptionSpec("size", "Grid side.", "30", "N"),
            new OptionSpec("min-path", "Shortest accepted path length.", null, "L") { DefaultText = "110 × size² / 900" }),
        new("generate arc", "Build the augmented ARC training set from task JSON files. Writes OUT/train.csv (demonstrations of every variant, translated), OUT/test.csv (test inputs of every variant) and OUT/tasks/ (the --tasks tasks, to score against). Read back by 'trm train --task arc --data OUT' and 'trm eval --data OUT'.",
            "trm generate arc --tasks DIR --out DIR [options]",
            new OptionSpec("tasks", "Folder of ARC task files (<id>.json): demonstrations train, test inputs are evaluated.", null, "DIR"),
            new OptionSpec("train-tasks", "Optional folder of extra tasks used only for training (all their pairs).", null, "DIR"),
            new OptionSpec("out", "Output folder.", null, "DIR"),
            new OptionSpec("augmentations", "Augmented variants per task (dihedral transform + colour permutation) besides the original (the reference's num_aug).", "1000", "K"),
            new OptionSpec("seed", "Random seed.", "42", "S")),
        new("train", "Train a TRM and save the whole pipeline (puzzle text in, PredictedSolution text out) as an ML.NET model zip. Without --data: the built-in demo (generates 9×9 Sudoku with 40 givens, trains a CPU-sized model, evaluates it on held-out puzzles and solves one).",
            "trm train [--task sudoku|maze|arc --data PATH] [options]",
            new OptionSpec("task", "Puzzle family: sudoku, maze or arc.", "sudoku", "TASK"),
            new OptionSpec("data", "Training data: a CSV of the task (ARC: a folder of 'trm generate arc').", null, "PATH") { DefaultText = "the built-in demo" },
            new OptionSpec("valid", "Held-out data, evaluated during and after training.", null, "PATH"),
            new OptionSpec("preset", "Starting configuration (see 'trm presets').", "tiny", "NAME"),
            new OptionSpec("set", "Override a TrmOptions property, e.g. --set HiddenSize=128 --set LearningRate=2e-3 (case-insensitive).", null, "KEY=VALUE", Repeatable: true),
            new OptionSpec("max-steps", "Stop after N optimiser steps.", null, "N") { DefaultText = "the preset's epochs; demo: 1500" },
            new OptionSpec("max-minutes", "Stop (and save) after M minutes of training.", null, "M") { DefaultText = "none; demo: 3 unless --max-steps is given" },
            new OptionSpec("out", "Model zip to write; also writes <out>.metrics.csv and <out>.metrics.png.", null, "MODEL.zip") { DefaultText = "trm-<task>.zip" },
            new OptionSpec("checkpoints", "Checkpoint folder.", null, "DIR") { DefaultText = "<out>.checkpoints" },
            new OptionSpec("checkpoint-every", "Steps between checkpoints (also at the end).", null, "N") { DefaultText = "every 10 minutes" },
            new OptionSpec("resume", "Continue from the checkpoint in the checkpoint folder (same data and options)."),
            new OptionSpec("device", "cpu, cuda or cuda:N.", "cpu", "DEVICE"),
            new OptionSpec("threads", "CPU threads for TorchSharp.", null, "N") { DefaultText = "all cores" },
            new OptionSpec("dry-run", "Print the training plan (groups, augmentation, epochs, total steps, evaluation and checkpoint cadence, FLOPs per step) and exit without training."),
            new OptionSpec("json", "With --dry-run: print the plan as one JSON object."),
            new OptionSpec("verbose", "Show library log messages and stack traces.")) { Notes = "Ctrl+C stops training at the next step, writes a checkpoint and exits (code 130); run the same command with --resume to continue.\nOptions for --set: " + string.Join(", ", OptionSetter.Properties.Select(p => p.Name)) + "." },
        new("eval", "Evaluate a model on labelled data: exact (whole puzzle), token and halt accuracy, mean supervision steps; Sudoku: by rating; ARC: pass@1/pass@2 after voting over augmentations.",
            "trm eval --model MODEL.zip --data PATH [--json]",
            new OptionSpec("model", "Model zip of 'trm train'.", null, "MODEL.zip"),
            new OptionSpec("data", "Labelled data in the model's task format (ARC: folder of 'trm generate arc', test split).", null, "PATH"),
            new OptionSpec("json", "Print one JSON object instead of text."),
            new OptionSpec("device", "cpu, cuda or cuda:N.", "cpu", "DEVICE"),
            new OptionSpec("threads", "CPU threads for TorchSharp.", null, "N") { DefaultText = "all cores" },
            new OptionSpec("verbose", "Show stack traces.")),
        new("solve", "Solve puzzles with a model and print each answer as a grid (givens in [brackets] for Sudoku) and whether it is valid.",
            "trm solve --model MODEL.zip (PUZZLE | --file PATH)",
            new OptionSpec("model", "Model zip of 'trm train' (Sudoku or maze).", null, "MODEL.zip"),
            new OptionSpec("file", "Puzzles to solve: a CSV of the task, or (Sudoku) one puzzle per line.", null, "PATH"),
            new OptionSpec("limit", "Solve at most N puzzles of the file.", null, "N") { DefaultText = "all" },
            new OptionSpec("device", "cpu, cuda or cuda:N.", "cpu", "DEVICE"),
            new OptionSpec("threads", "CPU threads for TorchSharp.", null, "N") { DefaultText = "all cores" },
            new OptionSpec("verbose", "Show stack traces.")) { MaxPositionals = 1, Notes = "PUZZLE: Sudoku as 16 or 81 characters, '.' or '0' for blanks, e.g. 1.3.3..2.1.34..1" },
        new("serve", "Serve a model zip over HTTP: POST /solve (JSON), GET /health, /model, /generate, and a page at / that shows the answer after each supervision step.",
            "trm serve --model MODEL.zip [--urls URLS]",
            new OptionSpec("model", "Model zip of 'trm train' (Sudoku or maze); read once, never written.", null, "MODEL.zip"),
            new OptionSpec("urls", "Addresses to listen on, separated by ';' (port 0: any free port).", "http://127.0.0.1:5000", "URLS"),
            new OptionSpec("device", "cpu, cuda or cuda:N.", "cpu", "DEVICE"),
            new OptionSpec("threads", "CPU threads for TorchSharp.", null, "N") { DefaultText = "all cores" },
            new OptionSpec("verbose", "Log every request (ASP.NET Core logging) and show stack traces.")) { Notes = "Ctrl+C stops the server. See docs/serving.md for the API." },
        new("arc score", "Score an ARC Prize submission.json against tasks with known test outputs (pass@2: either attempt right).",
            "trm arc score --tasks DIR --submission FILE",
            new OptionSpec("tasks", "Folder of ARC task files with test outputs.", null, "DIR"),
            new OptionSpec("submission", "submission.json to score.", null, "FILE"),
            new OptionSpec("verbose", "Show stack traces.")),
    };

    private static string MainHelp()
    {
        var sb = new StringBuilder();
        sb.AppendLine("trm: train, evaluate and run TRM (Tiny Recursive Models, arXiv 2510.04871) on grid puzzles.");
        sb.AppendLine();
        sb.AppendLine("usage: trm <command> [options]      trm <command> --help for its options");
        sb.AppendLine();
        sb.AppendLine("commands:");
        foreach (var s in Specs) sb.AppendLine("  " + s.Usage);
        sb.AppendLine();
        sb.AppendLine("Run 'trm train' with no options for the built-in demo (9×9 Sudoku on the CPU, about 3 minutes).");
        return sb.ToString();
    }

    private static MLContext NewContext(ParsedArgs a, int seed = 0)
    {
        var ml = new MLContext(seed);
        if (a.String("device") is { } device)
        {
            try { ml.GpuDeviceId = TrmDevice.ParseDeviceId(device); }
            catch (ArgumentException) { throw new UsageException($"unknown device '{device}': use cpu, cuda or cuda:N."); }
            ml.FallbackToCpu = false;
        }
        return ml;
    }

    /// <summary>
    /// Sets TorchSharp's CPU threads: all cores by default. On an idle 2-core machine two threads ran the tiny preset on
    /// 9×9 Sudoku 1.8× faster than one (20 s vs 36 s for 40 steps); when other processes keep the cores busy, OpenMP
    /// threads spin and one thread can be several times faster — then pass --threads 1.
    /// </summary>
    private static void SetThreads(ParsedArgs a)
    {
        if (a.OptionalInt("threads", 1) is { } threads) TorchSharp.torch.set_num_threads(threads);
    }

    private static string Pct(double v) => (100 * v).ToString("F1", CultureInfo.InvariantCulture) + "%";
}
