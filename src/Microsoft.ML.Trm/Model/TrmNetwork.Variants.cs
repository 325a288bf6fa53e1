using static TorchSharp.torch;

namespace Microsoft.ML.Trm.Model;

/// <summary>
/// The comparison variants of <see cref="TrmNetwork.DeepRecursion"/>: HRM (two networks, 1-step gradient), the direct
/// baseline (one pass of the blocks) and the TRM ablations "single z" and "1-step gradient" (paper Tables 1-2).
/// Every variant keeps the same embedding, heads and carry layout, so training, inference and the loss are shared.
/// </summary>
internal sealed partial class TrmNetwork
{
    /// <summary>HRM's high-level network H_level (null unless <see cref="TrmArchitectureKind.Hrm"/>).</summary>
    internal ReasoningModule? HighLevel => _highLevel;

    /// <summary>True when the supervision step is not plain TRM (full back-propagation through the last recursion).</summary>
    private bool IsVariant => Architecture.Kind != TrmArchitectureKind.Trm || Architecture.SingleLatent || Architecture.OneStepGradient;

    private (Tensor Answer, Tensor Latent) VariantRecursion(Tensor x, Tensor answer, Tensor latent) => Architecture switch
    {
        { Kind: TrmArchitectureKind.Hrm } => HrmRecursion(x, answer, latent),
        { Kind: TrmArchitectureKind.Direct } => DirectPass(x),
        { SingleLatent: true } => SingleLatentRecursion(x, latent),
        _ => OneStepGradientRecursion(x, answer, latent),
    };

    /// <summary>hrm_act_v1.py: all but the final L call and the final H call run without gradient.</summary>
    private (Tensor Answer, Tensor Latent) HrmRecursion(Tensor x, Tensor answer, Tensor latent)
    {
        int outer = Architecture.OuterCycles, inner = Architecture.InnerCycles;
        var high = _highLevel!;
        using (no_grad())
        {
            for (int h = 0; h < outer; h++)
            {
                for (int l = 0; l < inner; l++)
                    if (!(h == outer - 1 && l == inner - 1))
                        latent = _net.forward(latent, answer + x);
                if (h != outer - 1)
                    answer = high.forward(answer, latent);
            }
        }
        latent = _net.forward(latent, answer + x);
        answer = high.forward(answer, latent);
        return (answer, latent);
    }

    /// <summary>One pass of the blocks over the embedded puzzle: h = f(x). The carry holds h in both slots.</summary>
    private (Tensor Answer, Tensor Latent) DirectPass(Tensor x)
    {
        var h = _net.forward(x, zeros(1, dtype: x.dtype, device: x.device));
        return (h, h);
    }

    /// <summary>trm_singlez.py: only z; per recursion n × z ← f(z + x), then z ← f(z); answer and Q read from z.</summary>
    private (Tensor Answer, Tensor Latent) SingleLatentRecursion(Tensor x, Tensor latent)
    {
        var arch = Architecture;
        int outer = arch.OuterCycles, inner = arch.InnerCycles;
        var none = zeros(1, dtype: x.dtype, device: x.device);
        (Tensor, Tensor) SingleRecursion(Tensor z, bool lastWithGrad)
        {
            for (int i = 0; i < inner; i++)
                z = StepWithGrad(lastWithGrad && arch.OneStepGradient && i < inner - 1, () => _net.forward(z, x));
            return (_net.forward(z, none), z);
        }
        using (no_grad())
        {
            for (int t = 0; t < outer - 1; t++) latent = SingleRecursion(latent, false).Item1;
        }
        latent = SingleRecursion(latent, true).Item1;
        return (latent, latent);
    }

    /// <summary>
    /// TRM with the 1-step gradient: T−1 recursions and the first n−1 latent updates of the last one without
    /// gradient; only the final z ← f(z + y + x) and y ← f(y + z) are differentiated.
    /// </summary>
    private (Tensor Answer, Tensor Latent) OneStepGradientRecursion(Tensor x, Tensor answer, Tensor latent)
    {
        int outer = Architecture.OuterCycles, inner = Architecture.InnerCycles;
        using (no_grad())
        {
            for (int t = 0; t < outer - 1; t++)
                (answer, latent) = Recurse(x, answer, latent);
            for (int i = 0; i < inner - 1; i++)
                latent = _net.forward(latent, answer + x);
        }
        latent = _net.forward(latent, answer + x);
        answer = _net.forward(answer, latent);
        return (answer, latent);
    }

    /// <summary>Runs <paramref name="call"/> under no_grad when <paramref name="noGrad"/> is set.</summary>
    private static Tensor StepWithGrad(bool noGrad, Func<Tensor> call)
    {
        if (!noGrad) return call();
        using (no_grad()) return call();
    }
}
