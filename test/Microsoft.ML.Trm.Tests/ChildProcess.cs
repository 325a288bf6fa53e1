using System.Diagnostics;

namespace Microsoft.ML.Trm.Tests;

/// <summary>Starts this test assembly as a separate process (see Program.cs) and collects its output.</summary>
public static class ChildProcess
{
    /// <summary>Default time a child may run.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(2);

    /// <summary>Runs <c>dotnet Microsoft.ML.Trm.Tests.dll child &lt;args&gt;</c>; kills it after <see cref="DefaultTimeout"/>.</summary>
    public static (int ExitCode, string StdOut, string StdErr) RunTestHost(params string[] args) => RunTestHost(DefaultTimeout, args);

    /// <summary>Runs <c>dotnet Microsoft.ML.Trm.Tests.dll child &lt;args&gt;</c>; kills it after <paramref name="timeout"/>.</summary>
    public static (int ExitCode, string StdOut, string StdErr) RunTestHost(TimeSpan timeout, params string[] args)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(typeof(ChildProcess).Assembly.Location);
        start.ArgumentList.Add("child");
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start " + start.FileName);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException($"Child '{string.Join(' ', args)}' did not finish within {timeout}. stderr: {stderr.Result}");
        }
        process.WaitForExit(); // flushes the redirected streams
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    private static string DotnetHost()
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host))
            return host;
        var current = Environment.ProcessPath;
        if (current != null && Path.GetFileNameWithoutExtension(current) == "dotnet")
            return current;
        return "dotnet";
    }
}
