using Microsoft.ML.Trm.Model;

namespace Microsoft.ML.Trm.Benchmarks;

/// <summary>
/// One matrix-product shape of a model: <see cref="Batch"/> products of [M×K]·[K×N], issued <see cref="PerStep"/>
/// times per training step (or per inference batch). FLOPs = 2·Batch·M·K·N·PerStep.
/// </summary>
public readonly record struct MatmulShape(string Name, long Batch, long M, long K, long N, double PerStep)
{
    public double Flops => 2.0 * Batch * M * K * N * PerStep;

    /// <summary>The shape key (products with the same dimensions are measured once).</summary>
    public (long, long, long, long) Dims => (Batch, M, K, N);

    public override string ToString() => Batch == 1 ? $"[{M}×{K}]·[{K}×{N}]" : $"{Batch}×[{M}×{K}]·[{K}×{N}]";
}

/// <summary>
/// Analytic FLOPs of TRM (multiply-adds × 2, matrix products only; norms, activations and softmax are not counted),
/// as the list of the matrix products a step issues, so the same list defines both the work and its ceiling.
/// One network call f on [batch, S = prefix + seq, D] with L blocks:
///   attention block: QKV [B·S×D]·[D×3D], scores B·H×[S×d]·[d×S], weighted sum B·H×[S×S]·[S×d], output [B·S×D]·[D×D]
///   MLP-T block:     [B·D×S]·[S×2I_S] and [B·D×I_S]·[I_S×S], with I_S the SwiGLU inner size for S
///   channel SwiGLU:  [B·S×D]·[D×2I] and [B·S×I]·[I×D] (I = inner size for D)
/// A training step runs T·(n+1) calls forward and back-propagates the last n+1: every forward product Y = X·W of
/// those calls has two backward products, dX = dY·Wᵀ ([M×N]·[N×K]) and dW = Xᵀ·dY ([K×M]·[M×N]), each with the
/// forward's FLOPs. Plus the output head [B·seq×D]·[D×V] forward and backward.
/// </summary>
public static class FlopCount
{
    /// <summary>The forward products of one network call (per call; <see cref="MatmulShape.PerStep"/> = layers).</summary>
    internal static IEnumerable<MatmulShape> NetworkCallProducts(TrmArchitecture a, int batch)
    {
        long s = a.TotalLength, d = a.HiddenSize, b = batch, layers = a.Layers;
        long inner = SwiGlu.InnerSizeFor(a.HiddenSize, a.Expansion);
        if (a.MlpT)
        {
            long innerS = SwiGlu.InnerSizeFor(a.TotalLength, a.Expansion);
            yield return new("mlp_t.gate_up", 1, b * d, s, 2 * innerS, layers);
            yield return new("mlp_t.down", 1, b * d, innerS, s, layers);
        }
        else
        {
            long heads = a.NumHeads, hd = a.HiddenSize / a.NumHeads;
            yield return new("attn.qkv", 1, b * s, d, 3 * d, layers);
            yield return new("attn.scores", b * heads, s, hd, s, layers);
            yield return new("attn.weighted", b * heads, s, s, hd, layers);
            yield return new("attn.out", 1, b * s, d, d, layers);
        }
        yield return new("mlp.gate_up", 1, b * s, d, 2 * inner, layers);
        yield return new("mlp.down", 1, b * s, inner, d, layers);
    }

    internal static MatmulShape Head(TrmArchitecture a, int batch) => new("lm_head", 1, (long)batch * a.SequenceLength, a.HiddenSize, a.VocabSize, 1);

    private static IEnumerable<MatmulShape> Times(IEnumerable<MatmulShape> products, double times)
        => products.Select(p => p with { PerStep = p.PerStep * times });

    private static IEnumerable<MatmulShape> Backward(IEnumerable<MatmulShape> forward) => forward.SelectMany(p => new[]
    {
        p with { Name = p.Name + ".dX", M = p.M, K = p.N, N = p.K },
        p with { Name = p.Name + ".dW", M = p.K, K = p.M, N = p.N },
    });

    /// <summary>The matrix products of one training step (forward of all calls, backward of the last n+1, head).</summary>
    internal static IReadOnlyList<MatmulShape> TrainStepProducts(TrmArchitecture a, int batch)
    {
        var call = NetworkCallProducts(a, batch).ToList();
        var head = new[] { Head(a, batch) };
        return Times(call, a.CallsPerSupervisionStep)
            .Concat(Backward(Times(call, a.InnerCycles + 1)))
            .Concat(head).Concat(Backward(head))
            .ToList();
    }

    /// <summary>The matrix products of solving one batch in evaluation (all N_sup steps, forward only).</summary>
    internal static IReadOnlyList<MatmulShape> InferenceProducts(TrmArchitecture a, int batch)
        => Times(NetworkCallProducts(a, batch), a.CallsPerSupervisionStep * a.MaxSupervisionSteps)
            .Append(Head(a, batch) with { PerStep = a.MaxSupervisionSteps })
            .ToList();

    internal static double NetworkCall(TrmArchitecture a, int batch) => NetworkCallProducts(a, batch).Sum(p => p.Flops);

    /// <summary>FLOPs of one supervision step in training (forward + backward).</summary>
    internal static double TrainStep(TrmArchitecture a, int batch) => TrainStepProducts(a, batch).Sum(p => p.Flops);

    /// <summary>FLOPs of solving one batch in evaluation (all N_sup steps, forward only).</summary>
    internal static double Inference(TrmArchitecture a, int batch) => InferenceProducts(a, batch).Sum(p => p.Flops);
}
