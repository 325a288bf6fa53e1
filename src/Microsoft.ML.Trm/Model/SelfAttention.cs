using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Microsoft.ML.Trm.Model;

/// <summary>
/// Non-causal multi-head self-attention without mask or biases (upstream layers.py Attention): one fused QKV
/// projection (rows: Q heads, then K heads, then V heads), rotary positions on Q and K, scaled dot-product
/// attention with scale 1/sqrt(headDim), output projection.
/// </summary>
internal sealed class SelfAttention : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "qkv_proj")] private readonly CastedLinear _qkv;
    [ComponentName(Name = "o_proj")] private readonly CastedLinear _out;
    private readonly int _heads, _headDim;

    /// <summary>Set by the owning network before each call when rotary positions are used.</summary>
    internal (Tensor Cos, Tensor SignedSin)? Rotary { get; set; }

    public SelfAttention(int hidden, int heads, Generator? generator) : base(nameof(SelfAttention))
    {
        (_heads, _headDim) = (heads, hidden / heads);
        _qkv = new CastedLinear(hidden, 3L * hidden, withBias: false, generator);
        _out = new CastedLinear(hidden, hidden, withBias: false, generator);
        RegisterComponents();
    }

    public override Tensor forward(Tensor h)
    {
        long b = h.shape[0], s = h.shape[1];
        var qkv = _qkv.forward(h).view(b, s, 3 * _heads, _headDim);   // [batch, seq, 3·heads, headDim]
        var qk = qkv[.., .., ..(2 * _heads)];                           // Q and K heads, rotated in one call
        if (Rotary is { } r) qk = RotaryEmbedding.Apply(qk, r.Cos, r.SignedSin);
        var q = qk[.., .., .._heads];
        var k = qk[.., .., _heads..];
        var v = qkv[.., .., (2 * _heads)..];
        var attn = nn.functional.scaled_dot_product_attention(
            q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2));  // [batch, heads, seq, headDim]
        return _out.forward(attn.transpose(1, 2).reshape(b, s, _heads * _headDim));
    }
}
