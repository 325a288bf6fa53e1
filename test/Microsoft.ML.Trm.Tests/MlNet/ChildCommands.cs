namespace Microsoft.ML.Trm.Tests.MlNet;

/// <summary>Commands run in a fresh process by <see cref="ChildProcess.RunTestHost"/>.</summary>
public static class ChildCommands
{
    /// <summary>The command names.</summary>
    public static IReadOnlyList<string> Names { get; } = new[] { "describe-codec-model", "describe-trm-model", "solve-with-solver", "run-notebook" };

    /// <summary>Runs <paramref name="command"/>; returns the exit code.</summary>
    public static int Run(string command, string[] args)
    {
        switch (command)
        {
            case "describe-codec-model":
                // args: <model.zip> <puzzles.txt>. Only a plain Model.Load: no registration call of any kind.
                var ml = new MLContext(seed: 1);
                var model = ml.Model.Load(args[0], out var inputSchema);
                Console.WriteLine($"schema {string.Join(',', inputSchema.Select(c => c.Name))}");
                Console.WriteLine(CodecPipeline.Describe(ml, model, File.ReadAllLines(args[1])));
                return 0;
            case "describe-trm-model":
            {
                // args: <model.zip> <puzzles.txt>. A fresh process, a plain Model.Load, nothing registered.
                var context = new MLContext(seed: 1);
                var loaded = context.Model.Load(args[0], out _);
                foreach (var line in Trm.TrmPipeline.Describe(context, loaded, File.ReadAllLines(args[1])))
                    Console.WriteLine(line);
                return 0;
            }
            case "solve-with-solver":
            {
                // args: <model.zip> <puzzles.txt>. A TrmSolver model in a fresh process; the input class has only Puzzle.
                var context = new MLContext(seed: 1);
                var loaded = context.Model.Load(args[0], out _);
                foreach (var line in SolverModel.Solve(context, loaded, File.ReadAllLines(args[1])))
                    Console.WriteLine(line);
                return 0;
            }
            case "run-notebook":
            {
                // args: <notebook.ipynb> [--write-outputs]. Runs the notebook's C# cells in a temporary folder
                // (Notebooks/NotebookRunner.cs); --write-outputs saves each cell's output into the notebook.
                var work = Directory.CreateTempSubdirectory("trm-notebook-").FullName;
                try
                {
                    var results = Notebooks.NotebookRunner.Run(Path.GetFullPath(args[0]), work, args.Contains("--write-outputs"), Console.Out);
                    return results.All(r => r.Error == null) ? 0 : 1;
                }
                finally { Directory.Delete(work, recursive: true); }
            }
            default:
                Console.Error.WriteLine($"unknown child command '{command}'");
                return 2;
        }
    }
}
