namespace Microsoft.ML.Trm.Tests.MlNet;

/// <summary>Commands run in a fresh process by <see cref="ChildProcess.RunTestHost"/>.</summary>
public static class ChildCommands
{
    /// <summary>The command names.</summary>
    public static IReadOnlyList<string> Names { get; } = new[] { "describe-codec-model", "describe-trm-model" };

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
            default:
                Console.Error.WriteLine($"unknown child command '{command}'");
                return 2;
        }
    }
}
