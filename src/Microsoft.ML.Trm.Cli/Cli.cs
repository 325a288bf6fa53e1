using System.CommandLine;
using System.Globalization;
using Microsoft.ML.Trm.Data;

namespace Microsoft.ML.Trm.Cli;

using Command = System.CommandLine.Command; // not the namespace Microsoft.ML.Command

/// <summary>A command-line mistake: the tool prints one line and exits with code 2.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>
/// The <c>trm</c> tool. <see cref="Run"/> is the whole program (Program.Main only wires the console and Ctrl+C):
/// exit code 0 on success, 1 on failure, 2 on a usage error, 130 when interrupted.
/// </summary>
public static partial class Cli
{
    public const int Ok = 0, Failure = 1, Usage = 2, Interrupted = 130;

    /// <summary>Runs one command line. <paramref name="live"/>: stdout is a terminal (progress bars instead of plain lines).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancel = default, bool live = false)
    {
        bool verbose = args.Contains("--verbose");
        var io = new Io(stdout, stderr, live, verbose, cancel);
        try
        {
            if (args.Length == 0 || args.All(a => a == "--verbose"))
            {
                Invoke(Root(io).Parse(new[] { "--help" }), stdout, stderr);
                return Usage;
            }
            var parsed = Root(io).Parse(args);
            if (parsed.Errors.Count > 0 && parsed.Action is not System.CommandLine.Help.HelpAction)
            {
                string command = parsed.CommandResult.Command is RootCommand ? "trm" : CommandPath(parsed.CommandResult.Command);
                throw new UsageException($"{parsed.Errors[0].Message.TrimEnd('.')} (see '{command} --help').");
            }
            return Invoke(parsed, stdout, stderr);
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

    private static int Invoke(ParseResult parsed, TextWriter stdout, TextWriter stderr) =>
        parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });

    private static string CommandPath(Command command)
    {
        var names = new List<string>();
        for (Symbol? s = command; s is Command c && c is not RootCommand; s = c.Parents.FirstOrDefault()) names.Insert(0, c.Name);
        return "trm " + string.Join(' ', names);
    }

    /// <summary>
    /// Every command of the tool. To add one: write a method that builds a <see cref="Command"/> (its options with
    /// <see cref="Opt"/>, and <c>SetAction(r =&gt; Handler(r, io))</c>) next to its handler, and add it here.
    /// </summary>
    internal static RootCommand Root(Io io)
    {
        var common = new CommonOptions();
        var root = new RootCommand("trm: train, evaluate and run TRM (Tiny Recursive Models, arXiv 2510.04871) on grid puzzles. " +
            "Run 'trm train' with no options for the built-in demo (9×9 Sudoku on the CPU, about 3 minutes).")
        {
            PresetsCommand(io),
            Group("generate", "Generate puzzle data: sudoku, maze or arc.", "'trm generate' needs a kind: sudoku, maze or arc (see 'trm generate sudoku --help').",
                GenerateSudokuCommand(io), GenerateMazeCommand(io), GenerateArcCommand(io)),
            TrainCommand(io, common),
            CompareCommand(io),
            EvalCommand(io, common),
            SolveCommand(io, common),
            ServeCommand(io, common),
            Group("arc", "ARC Prize tools: score.", "unknown command 'arc': did you mean 'trm arc score'?", ArcScoreCommand(io)),
            InfoCommand(io, common),
            Group("export", "Export a trained model to another format: onnx.", "'trm export' needs a format: onnx (see 'trm export onnx --help').", ExportOnnxCommand(io, common)),
        };
        root.HelpName = "trm"; // the usage line says trm also when hosted (tests)
        root.Add(common.Verbose);
        // --version: this tool's version (the default option would print the host's, e.g. a test runner's).
        foreach (var standard in root.Options.OfType<VersionOption>().ToList()) root.Options.Remove(standard);
        var version = Opt.Flag("--version", "Show the version of trm.");
        root.Add(version);
        root.SetAction(r =>
        {
            if (!r.GetValue(version)) throw new UsageException("a command is needed (see 'trm --help').");
            io.Out.WriteLine(InformationalVersion(typeof(Cli).Assembly));
            return Ok;
        });
        return root;
    }

    /// <summary>A command that only groups subcommands; on its own it is a usage error with <paramref name="usage"/>.</summary>
    private static Command Group(string name, string description, string usage, params Command[] subcommands)
    {
        var group = new Command(name, description);
        foreach (var c in subcommands) group.Add(c);
        group.SetAction((Func<ParseResult, int>)(_ => throw new UsageException(usage)));
        return group;
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

    /// <summary>An ML.NET context on the device of <c>--device</c> (validated by the parser; no silent CPU fallback).</summary>
    private static MLContext NewContext(ParseResult r, CommonOptions common, int seed = 0) =>
        new(seed) { GpuDeviceId = TrmDevice.ParseDeviceId(r.GetValue(common.Device)!), FallbackToCpu = false };

    /// <summary>
    /// Sets TorchSharp's CPU threads: all cores by default. On an idle 2-core machine two threads ran the tiny preset on
    /// 9×9 Sudoku 1.8× faster than one (20 s vs 36 s for 40 steps); when other processes keep the cores busy, OpenMP
    /// threads spin and one thread can be several times faster — then pass --threads 1.
    /// </summary>
    private static void SetThreads(ParseResult r, CommonOptions common)
    {
        if (r.GetValue(common.Threads) is { } threads) TorchSharp.torch.set_num_threads(threads);
    }

    private static string Pct(double v) => (100 * v).ToString("F1", CultureInfo.InvariantCulture) + "%";
}
