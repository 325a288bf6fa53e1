using static TorchSharp.torch;

namespace Microsoft.ML.Trm.Model;

/// <summary>
/// Rotary position tables (upstream layers.py RotaryEmbedding): frequencies θ^(−2i/d) over positions
/// 0 … length−1 (prefix included), cos/sin of shape [length, headDim] in float32. They are derived, not state:
/// this holder is not a module, so the tables never enter the state dict, and they are built once per device.
/// Instead of upstream's sin table it keeps a signed one, [−sin | +sin] over the two halves of the head dimension, so
/// that rotate_half(x)·sin = roll(x, headDim/2)·signedSin (see <see cref="Apply"/>; <see cref="UpstreamSin"/> undoes it).
/// </summary>
internal sealed class RotaryEmbedding : IDisposable
{
    private readonly int _headDim, _length;
    private readonly double _theta;
    private Tensor? _cos, _signedSin;

    public RotaryEmbedding(int headDim, int length, double theta)
    {
        (_headDim, _length, _theta) = (headDim, length, theta);
    }

    /// <summary>cos and signed sin: [length, headDim] float32 on <paramref name="device"/>.</summary>
    public (Tensor Cos, Tensor SignedSin) Tables(Device device)
    {
        if (_cos is null || _cos.device != device)
        {
            Dispose();
            using var _ = no_grad();
            using var scope = NewDisposeScope();
            var invFreq = 1.0 / pow(_theta, arange(0, _headDim, 2, dtype: ScalarType.Float32) / _headDim);
            var t = arange(_length, dtype: ScalarType.Float32);
            var freqs = outer(t, invFreq);
            var emb = cat(new[] { freqs, freqs }, -1);
            var sin = emb.sin();
            var signedSin = cat(new[] { -sin[.., ..(_headDim / 2)], sin[.., (_headDim / 2)..] }, -1);
            _cos = emb.cos().to(device).DetachFromDisposeScope();
            _signedSin = signedSin.to(device).DetachFromDisposeScope();
        }
        return (_cos, _signedSin!);
    }

    /// <summary>
    /// x: [batch, seq, heads, headDim]; rotated in float32 and cast back (upstream apply_rotary_pos_emb:
    /// x·cos + rotate_half(x)·sin, rotate_half(x) = [−x₂ | x₁]). Computed as x·cos + roll(x, headDim/2)·signedSin,
    /// with roll(x) = [x₂ | x₁] and signedSin = [−sin | sin]: the same products, in three passes over x (mul, roll,
    /// addcmul) instead of five (neg, cat, two muls, add); results agree to within float32 rounding (≤ 5·10⁻⁷ on
    /// random input: addcmul may fuse the multiply-add). docs/performance.md, "Fewer elementwise passes".
    /// </summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor signedSin)
    {
        var dtype = x.dtype;
        var h = dtype == ScalarType.Float32 ? x : x.to(ScalarType.Float32);
        var result = addcmul(h * cos.unsqueeze(-2), h.roll(h.shape[^1] / 2, -1), signedSin.unsqueeze(-2), 1);
        return dtype == ScalarType.Float32 ? result : result.to(dtype);
    }

    /// <summary>Upstream's sin table from the signed one (for comparisons with upstream's form).</summary>
    internal static Tensor UpstreamSin(Tensor signedSin)
    {
        long half = signedSin.shape[^1] / 2;
        return cat(new[] { -signedSin[.., ..(int)half], signedSin[.., (int)half..] }, -1);
    }

    public void Dispose()
    {
        _cos?.Dispose(); _signedSin?.Dispose();
        _cos = _signedSin = null;
    }
}
