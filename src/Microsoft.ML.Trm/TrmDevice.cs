using Microsoft.ML.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Trm;

/// <summary>Chooses where TRM runs, from the same settings ML.NET uses (<c>MLContext.GpuDeviceId</c>, <c>FallbackToCpu</c>).</summary>
public static class TrmDevice
{
    /// <summary>
    /// CPU when <paramref name="gpuDeviceId"/> is null; otherwise CUDA device N if it exists, else the CPU when
    /// <paramref name="fallbackToCpu"/> is true, else an <see cref="InvalidOperationException"/>.
    /// </summary>
    public static Device Resolve(int? gpuDeviceId, bool fallbackToCpu)
    {
        if (gpuDeviceId is not { } id) return CPU;
        if (id < 0) throw new ArgumentOutOfRangeException(nameof(gpuDeviceId), id, "A GPU device id must be zero or positive.");
        bool available = cuda.is_available() && id < cuda.device_count();
        if (available) return new Device(DeviceType.CUDA, id);
        if (fallbackToCpu) return CPU;
        throw new InvalidOperationException(cuda.is_available()
            ? $"CUDA device {id} was requested (MLContext.GpuDeviceId) but only {cuda.device_count()} device(s) exist; set MLContext.FallbackToCpu = true to use the CPU instead."
            : $"CUDA device {id} was requested (MLContext.GpuDeviceId) but CUDA is not available (is a TorchSharp CUDA backend referenced?); set MLContext.FallbackToCpu = true to use the CPU instead.");
    }

    /// <summary>
    /// <see cref="Resolve(int?, bool)"/> with the settings of the MLContext behind <paramref name="env"/>; when it falls
    /// back to the CPU it says so as a warning on <c>mlContext.Log</c> (message kind Warning, source "TRM device").
    /// </summary>
    internal static Device Resolve(IHostEnvironment env)
    {
        int? id = MlNetInternals.GetGpuDeviceId(env);
        var device = Resolve(id, MlNetInternals.GetFallbackToCpu(env));
        if (id is { } n && device.type == DeviceType.CPU)
        {
            using var ch = env.Start("TRM device");
            ch.Warning(MessageSensitivity.None, $"CUDA device {n} was requested (MLContext.GpuDeviceId) but "
                + (cuda.is_available() ? $"only {cuda.device_count()} device(s) exist" : "CUDA is not available (is a TorchSharp CUDA backend referenced?)")
                + "; running on the CPU because MLContext.FallbackToCpu is true.");
        }
        return device;
    }

    /// <summary>Parses "cpu", "cuda" or "cuda:N" into a device id (null = CPU).</summary>
    public static int? ParseDeviceId(string text) => text.Trim().ToLowerInvariant() switch
    {
        "cpu" => null,
        "cuda" or "gpu" => 0,
        var s when s.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(s[5..], out var n) && n >= 0 => n,
        _ => throw new ArgumentException($"Unknown device '{text}': use cpu, cuda or cuda:N.", nameof(text)),
    };

    /// <summary>
    /// The activation dtype for a precision setting on a device, for training or for inference. <see cref="TrmPrecision.Auto"/>:
    /// bfloat16 on CUDA; on the CPU bfloat16 for training when <see cref="CpuHasBFloat16MatrixUnits"/>, else float32,
    /// and float32 for inference (what the ONNX export computes).
    /// </summary>
    internal static ScalarType ForwardType(TrmPrecision precision, Device device, bool training) => precision switch
    {
        TrmPrecision.Float32 => ScalarType.Float32,
        TrmPrecision.BFloat16 => ScalarType.BFloat16,
        _ when device.type == DeviceType.CUDA => ScalarType.BFloat16,
        _ => training && CpuHasBFloat16MatrixUnits ? ScalarType.BFloat16 : ScalarType.Float32,
    };

    /// <summary>
    /// True when this machine's CPU has bfloat16 matrix units that libtorch uses (Intel AMX: AMX-BF16 and AMX-TILE in
    /// CPUID leaf 7, and on Linux the kernel lists <c>amx_bf16</c> in /proc/cpuinfo, i.e. it enables the tile state).
    /// There bfloat16 products run several times faster than float32 ones (docs/performance.md, "bfloat16 on CPUs
    /// with AMX"), so <see cref="TrmPrecision.Auto"/> trains in bfloat16 with float32 master weights, as the reference
    /// does on GPUs.
    /// </summary>
    public static bool CpuHasBFloat16MatrixUnits => s_amx.Value;

    private static readonly Lazy<bool> s_amx = new(DetectAmx);

    private static bool DetectAmx()
    {
        if (!System.Runtime.Intrinsics.X86.X86Base.IsSupported) return false;
        var (_, _, _, edx) = System.Runtime.Intrinsics.X86.X86Base.CpuId(7, 0);
        const int AmxBf16 = 1 << 22, AmxTile = 1 << 24;
        if ((edx & AmxBf16) == 0 || (edx & AmxTile) == 0) return false;
        if (!OperatingSystem.IsLinux()) return OperatingSystem.IsWindows();
        try
        {
            return File.ReadLines("/proc/cpuinfo").Any(line => line.StartsWith("flags", StringComparison.Ordinal)
                && line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains("amx_bf16"));
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }
}
