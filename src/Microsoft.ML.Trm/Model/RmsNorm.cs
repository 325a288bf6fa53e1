using static TorchSharp.torch;

namespace Microsoft.ML.Trm.Model;

/// <summary>RMSNorm without a learnable gain or bias (upstream layers.py rms_norm), computed in float32.</summary>
internal static class RmsNorm
{
    /// <summary>
    /// Normalises over axis <paramref name="dim"/> (default the last): x / sqrt(mean(x²) + eps). Over the last axis
    /// mean(x²) is taken as ‖x‖²/n from one vector-norm reduction: one pass over x instead of square then mean, and a
    /// cheaper backward (zero rows get a zero gradient, as with upstream's form); it agrees with upstream's form to
    /// within float32 rounding (≤ 10⁻⁶). Over another axis (MLP-T's norm over positions, axis 0) libtorch's vector
    /// norm is several times slower than square-then-mean, so that stays. docs/performance.md, "Fewer elementwise passes".
    /// </summary>
    public static Tensor Apply(Tensor x, double eps, long dim = -1)
    {
        var inputType = x.dtype;
        var h = inputType == ScalarType.Float32 ? x : x.to(ScalarType.Float32);
        long axis = dim < 0 ? h.dim() + dim : dim;
        var variance = axis == h.dim() - 1
            ? linalg.vector_norm(h, 2, new long[] { axis }, keepdim: true).square() / h.shape[axis]
            : h.square().mean(new long[] { axis }, keepdim: true);
        var normed = h * rsqrt(variance + eps);
        return inputType == ScalarType.Float32 ? normed : normed.to(inputType);
    }
}
