namespace Microsoft.ML.Trm.Cli;

/// <summary>Console entry: wires stdout/stderr and Ctrl+C (first press: stop at the next step and checkpoint; second: kill).</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            if (cancel.IsCancellationRequested) return; // second Ctrl+C: terminate
            e.Cancel = true;
            Console.Error.WriteLine();
            Console.Error.WriteLine("trm: stopping at the next step (Ctrl+C again to kill)...");
            cancel.Cancel();
        };
        return Cli.Run(args, Console.Out, Console.Error, cancel.Token, live: !Console.IsOutputRedirected);
    }
}
