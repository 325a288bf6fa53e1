using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Trm.Model;

/// <summary>
/// Linear layer whose float32 master weight is cast to the activation dtype at call time (upstream layers.py
/// CastedLinear). Weight [out, in], truncated LeCun-normal init (std 1/sqrt(in)); bias only where asked (Q head).
/// </summary>
internal sealed class CastedLinear : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter? bias;

    public CastedLinear(long inFeatures, long outFeatures, bool withBias, Generator? generator) : base(nameof(CastedLinear))
    {
        weight = new Parameter(Init.TruncatedNormal_(empty(outFeatures, inFeatures), 1.0 / Math.Sqrt(inFeatures), generator));
        if (withBias) bias = new Parameter(zeros(outFeatures));
        RegisterComponents();
    }

    public Parameter Weight => weight;
    public Parameter? Bias => bias;

    public override Tensor forward(Tensor input)
    {
        var w = weight.dtype == input.dtype ? weight : weight.to(input.dtype);
        var b = bias is null ? null : bias.dtype == input.dtype ? bias : bias.to(input.dtype);
        return nn.functional.linear(input, w, b);
    }
}
