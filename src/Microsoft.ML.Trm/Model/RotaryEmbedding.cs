using static TorchSharp.torch;

namespace Microsoft.ML.Trm.Model;

/// <summary>
/// Rotary position tables (upstream layers.py RotaryEmbedding): frequencies θ^(−2i/d) over positions
/// 0 … length−1 (prefix included), cos/sin of shape [length, headDim] in float32. They are derived, not state:
/// this holder is not a module, so the tables never enter the state dict, and they are built once per device.
/// </summary>
internal sealed class RotaryEmbedding : IDisposable
{
    private readonly int _headDim, _length;
    private readonly double _theta;
    private Tensor? _cos, _sin;

    public RotaryEmbedding(int headDim, int length, double theta)
    {
        (_headDim, _length, _theta) = (headDim, length, theta);
    }

    /// <summary>cos, sin: [length, headDim] float32 on <paramref name="device"/>.</summary>
    public (Tensor Cos, Tensor Sin) Tables(Device device)
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
            _cos = emb.cos().to(device).MoveToOuterDisposeScope();
            _sin = emb.sin().to(device).MoveToOuterDisposeScope();
            _cos.DetachFromDisposeScope();
            _sin.DetachFromDisposeScope();
        }
        return (_cos, _sin!);
    }

    /// <summary>x: [batch, seq, heads, headDim]; rotated in float32 and cast back (upstream apply_rotary_pos_emb).</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        var dtype = x.dtype;
        var h = dtype == ScalarType.Float32 ? x : x.to(ScalarType.Float32);
        var half = h.shape[^1] / 2;
        var rotated = cat(new[] { -h[.., .., .., (int)half..], h[.., .., .., ..(int)half] }, -1); // rotate_half
        var result = h * cos.unsqueeze(-2) + rotated * sin.unsqueeze(-2);
        return dtype == ScalarType.Float32 ? result : result.to(dtype);
    }

    public void Dispose()
    {
        _cos?.Dispose(); _sin?.Dispose();
        _cos = _sin = null;
    }
}
