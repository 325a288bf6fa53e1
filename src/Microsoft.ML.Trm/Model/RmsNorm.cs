using static TorchSharp.torch;

namespace Microsoft.ML.Trm.Model;

/// <summary>RMSNorm without a learnable gain or bias (upstream layers.py rms_norm), computed in float32.</summary>
internal static class RmsNorm
{
    /// <summary>Normalises over axis <paramref name="dim"/> (default the last): x / sqrt(mean(x²) + eps).</summary>
    public static Tensor Apply(Tensor x, double eps, long dim = -1)
    {
        var inputType = x.dtype;
        var h = inputType == ScalarType.Float32 ? x : x.to(ScalarType.Float32);
        var variance = h.square().mean(new long[] { dim }, keepdim: true);
        var normed = h * rsqrt(variance + eps);
        return inputType == ScalarType.Float32 ? normed : normed.to(inputType);
    }
}
