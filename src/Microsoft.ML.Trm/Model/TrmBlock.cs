using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Microsoft.ML.Trm.Model;

/// <summary>
/// One post-norm block of the tiny network (upstream trm.py TinyRecursiveReasoningModel_ACTV1Block):
/// h = RMSNorm(h + Mixer(h)); h = RMSNorm(h + SwiGLU(h)). With MLP-T the mixer is a SwiGLU over sequence
/// positions applied to the transposed state, and its residual norm is taken over positions, per channel.
/// State layout: attention blocks take [batch, seq, hidden]; MLP-T blocks take the sequence-major [seq, batch, hidden]
/// (<see cref="TrmNetwork.DeepRecursion"/> transposes once per supervision step, not per call).
/// </summary>
internal sealed class TrmBlock : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "self_attn")] private readonly SelfAttention? _attention;
    [ComponentName(Name = "mlp_t")] private readonly SwiGlu? _mlpT;
    [ComponentName(Name = "mlp")] private readonly SwiGlu _mlp;
    private readonly double _eps;

    public TrmBlock(TrmArchitecture arch, Generator? generator) : base(nameof(TrmBlock))
    {
        if (arch.MlpT) _mlpT = new SwiGlu(arch.TotalLength, arch.Expansion, generator);
        else _attention = new SelfAttention(arch.HiddenSize, arch.NumHeads, generator);
        _mlp = new SwiGlu(arch.HiddenSize, arch.Expansion, generator);
        _eps = arch.RmsNormEps;
        RegisterComponents();
    }

    internal SelfAttention? Attention => _attention;

    public override Tensor forward(Tensor h)                 // [batch, seq, hidden]
    {
        if (_mlpT is not null)
        {
            // Upstream transposes to [batch, hidden, seq], applies the SwiGLU over seq and the norm over seq, and
            // transposes back. Same arithmetic on the sequence-major state, without transposed copies: mix along
            // axis 0 (two 2-D products), normalise over axis 0. The channel SwiGLU and norm work on any token order.
            h = RmsNorm.Apply(h + _mlpT.ForwardAlongAxis0(h), _eps, dim: 0);
        }
        else
        {
            h = RmsNorm.Apply(h + _attention!.forward(h), _eps);
        }
        return RmsNorm.Apply(h + _mlp.forward(h), _eps);
    }
}
