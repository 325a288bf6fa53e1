using System.CommandLine;
using System.Reflection;
using System.Text.Json;
using static TorchSharp.torch;

namespace Microsoft.ML.Trm.Cli;

using Command = System.CommandLine.Command; // not the namespace Microsoft.ML.Command

public static partial class Cli
{
    private static Command InfoCommand(Io io, CommonOptions common)
    {
        var json = Opt.Flag("--json", "Print one JSON object instead of text.");
        var command = new Command("info", "Versions (trm, Microsoft.ML.Trm, ML.NET, TorchSharp, libtorch backend), CUDA devices, CPU threads, " +
            "and whether the GLIBCXX fix is applied to the loaded libLibTorchSharp.so.") { json, common.Threads };
        command.SetAction(r =>
        {
            SetThreadsQuietly(r, common);
            return Info(r.GetValue(json), io);
        });
        return command;
    }

    private static void SetThreadsQuietly(ParseResult r, CommonOptions common)
    {
        try { SetThreads(r, common); }
        catch (Exception e) when (e is TypeInitializationException or DllNotFoundException or NotSupportedException) { } // reported by Info below
    }

    private static int Info(bool json, Io io)
    {
        var rows = new List<(string Key, string Value)>
        {
            ("trm", InformationalVersion(typeof(Cli).Assembly)),
            ("Microsoft.ML.Trm", InformationalVersion(typeof(TrmTransformer).Assembly)),
            ("ML.NET", InformationalVersion(typeof(MLContext).Assembly)),
            ("TorchSharp", InformationalVersion(typeof(TorchSharp.torch).Assembly)),
            ("backend", NativeInfo.BackendPackages() is { Count: > 0 } packages ? string.Join(", ", packages) : "no libtorch package in the app's dependencies"),
            (".NET", Environment.Version + " on " + System.Runtime.InteropServices.RuntimeInformation.OSDescription + " " + System.Runtime.InteropServices.RuntimeInformation.OSArchitecture),
        };
        bool loaded = true;
        try
        {
            bool hasCuda = cuda.is_available();
            rows.Add(("CUDA", hasCuda ? $"available, {TorchSharp.torch.cuda.device_count()} device(s)" : "not available"));
            rows.Add(("threads", $"{get_num_threads()} (TorchSharp CPU threads; {Environment.ProcessorCount} logical cores)"));
        }
        catch (Exception e) when (e is TypeInitializationException or DllNotFoundException or NotSupportedException or InvalidOperationException)
        {
            loaded = false;
            rows.Add(("libtorch", "NOT LOADED: " + Describe(e)));
        }
        rows.Add(("CPU bf16 units", TrmDevice.CpuHasBFloat16MatrixUnits
            ? "AMX: Precision Auto trains in bfloat16 on this CPU (float32 master weights; inference float32)"
            : "none: Precision Auto trains in float32 on this CPU"));
        var native = NativeInfo.LibTorchSharp();
        rows.Add(("libLibTorchSharp", native.Path ?? "not found"));
        rows.Add(("GLIBCXX fix", native.Fix));
        if (json)
        {
            var o = rows.ToDictionary(r => r.Key, r => r.Value);
            io.Out.WriteLine(JsonSerializer.Serialize(o));
        }
        else
        {
            int width = rows.Max(r => r.Key.Length) + 2;
            foreach (var (key, value) in rows) io.Out.WriteLine((key + ":").PadRight(width) + value);
        }
        return loaded ? Ok : Failure;
    }

    private static string InformationalVersion(Assembly assembly) =>
        (assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? assembly.GetName().Version?.ToString() ?? "?").Split('+')[0];
}
