using Microsoft.ML.Trm.Tests.MlNet;

namespace Microsoft.ML.Trm.Tests;

/// <summary>
/// Entry point of the test assembly when started directly (GenerateProgramFile=false): runs the commands that
/// tests launch in a fresh process through <see cref="ChildProcess.RunTestHost"/>. VSTest does not use it.
/// </summary>
public static class Program
{
    /// <summary>usage: dotnet Microsoft.ML.Trm.Tests.dll child &lt;command&gt; [args...]</summary>
    public static int Main(string[] args)
    {
        if (args.Length >= 2 && args[0] == "child")
        {
            try
            {
                return ChildCommands.Run(args[1], args[2..]);
            }
            catch (Exception ex)
            {
                Console.Error.WriteLine(ex);
                return 1;
            }
        }
        Console.Error.WriteLine("usage: dotnet Microsoft.ML.Trm.Tests.dll child <command> [args...]; commands: " + string.Join(", ", ChildCommands.Names));
        return 2;
    }
}
