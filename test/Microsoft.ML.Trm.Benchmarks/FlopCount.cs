using Microsoft.ML.Trm.Model;

namespace Microsoft.ML.Trm.Benchmarks;

/// <summary>
/// Analytic FLOPs of TRM (multiply-adds × 2, matrix products only; norms, activations and softmax are not counted).
/// One network call f on [batch, S = prefix + seq, D] with L blocks:
///   attention block: QKV 2·S·D·3D + scores 2·S·S·D + weighted sum 2·S·S·D + output 2·S·D·D
///   MLP-T block:     on the transposed [D, S]: 2·D·S·2I_S + 2·D·I_S·S, with I_S the SwiGLU inner size for S
///   channel SwiGLU:  2·S·D·2I + 2·S·I·D (I = inner size for D)
/// A training step runs T·(n+1) calls forward and back-propagates the last n+1 (backward ≈ 2 × forward), plus the
/// output head 2·seq·D·V forward and backward.
/// </summary>
public static class FlopCount
{
    internal static double NetworkCall(TrmArchitecture a, int batch)
    {
        double s = a.TotalLength, d = a.HiddenSize;
        double inner = SwiGlu.InnerSizeFor(a.HiddenSize, a.Expansion);
        double mixer = a.MlpT
            ? 2 * d * s * 2 * SwiGlu.InnerSizeFor(a.TotalLength, a.Expansion) + 2 * d * SwiGlu.InnerSizeFor(a.TotalLength, a.Expansion) * s
            : 2 * s * d * 3 * d + 4 * s * s * d + 2 * s * d * d;
        double mlp = 2 * s * d * 2 * inner + 2 * s * inner * d;
        return batch * a.Layers * (mixer + mlp);
    }

    internal static double Head(TrmArchitecture a, int batch) => batch * 2.0 * a.SequenceLength * a.HiddenSize * a.VocabSize;

    /// <summary>FLOPs of one supervision step in training (forward + backward).</summary>
    internal static double TrainStep(TrmArchitecture a, int batch)
        => NetworkCall(a, batch) * (a.CallsPerSupervisionStep + 2.0 * (a.InnerCycles + 1)) + 3 * Head(a, batch);

    /// <summary>FLOPs of solving one batch in evaluation (all N_sup steps, forward only).</summary>
    internal static double Inference(TrmArchitecture a, int batch)
        => a.MaxSupervisionSteps * (NetworkCall(a, batch) * a.CallsPerSupervisionStep + Head(a, batch));
}
