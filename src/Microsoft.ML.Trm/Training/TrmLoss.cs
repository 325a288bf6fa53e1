using static TorchSharp.torch;

namespace Microsoft.ML.Trm.Training;

/// <summary>
/// TRM's losses and metrics (upstream models/losses.py ACTLossHead): per-sequence mean cross-entropy over valid
/// labels summed over the batch, plus 0.5 × BCE of the halt logit against "the current prediction is exactly
/// right" (and, with the HRM-style continue loss, 0.5 × BCE of the continue logit against its target).
/// </summary>
internal static class TrmLoss
{
    /// <summary>Label value meaning "no target here" (PAD labels are mapped to it).</summary>
    public const long IgnoreLabel = -100;

    /// <summary>s(x) = x + 1 for x ≥ 0, 1/(1 − x) for x &lt; 0; log p = log(s(x) / Σ s(x)).</summary>
    public static Tensor LogStablemax(Tensor x)
    {
        var s = where(x < 0, 1.0 / (1.0 - x + 1e-30), x + 1.0);
        return (s / s.sum(-1, keepdim: true)).log();
    }

    /// <summary>Per-position cross-entropy [batch, seq] (0 where the label is ignored). Stablemax runs in float64.</summary>
    public static Tensor CrossEntropy(Tensor logits, Tensor labels, Tensor valid, TrmLossType type)
    {
        var logProbs = type == TrmLossType.Stablemax
            ? LogStablemax(logits.to(ScalarType.Float64))
            : logits.to(ScalarType.Float32).log_softmax(-1);
        var safeLabels = where(valid, labels, zeros_like(labels)).unsqueeze(-1);
        var picked = logProbs.gather(-1, safeLabels).squeeze(-1);
        return -where(valid, picked, zeros_like(picked));
    }

    /// <summary>
    /// Total loss (lm + 0.5·(halt [+ continue])) as a scalar, and the metric sums of the rows that halted at this
    /// step with at least one valid label (upstream semantics).
    /// </summary>
    public static (Tensor Loss, StepMetrics Metrics) Compute(
        Tensor logits, Tensor labels, Tensor haltLogits, Tensor? continueLogits, Tensor? continueTarget,
        Tensor steps, Tensor halted, TrmLossType type)
    {
        Tensor valid, counts, divisor, seqCorrect;
        StepMetrics metrics;
        using (no_grad())
        {
            valid = labels != IgnoreLabel;
            counts = valid.sum(-1);
            divisor = counts.clamp_min(1).unsqueeze(-1);
            var correct = valid & (logits.argmax(-1) == labels);
            seqCorrect = correct.sum(-1) == counts;
            var rows = halted & (counts > 0);
            var zero = zeros(1, device: logits.device);
            metrics = new StepMetrics
            {
                Count = rows.sum().item<long>(),
                TokenAccuracySum = where(rows, (correct.to(ScalarType.Float32) / divisor).sum(-1), zero).sum().item<float>(),
                ExactAccuracySum = (rows & seqCorrect).sum().item<long>(),
                HaltAccuracySum = (rows & ((haltLogits >= 0) == seqCorrect)).sum().item<long>(),
                StepsSum = where(rows, steps, zeros_like(steps)).sum().item<long>(),
            };
        }
        var lmLoss = (CrossEntropy(logits, labels, valid, type) / divisor).sum();
        var haltLoss = nn.functional.binary_cross_entropy_with_logits(haltLogits, seqCorrect.to(haltLogits.dtype), reduction: nn.Reduction.Sum);
        var total = lmLoss + 0.5 * haltLoss.to(lmLoss.dtype);
        if (continueLogits is not null && continueTarget is not null)
        {
            var continueLoss = nn.functional.binary_cross_entropy_with_logits(continueLogits, continueTarget, reduction: nn.Reduction.Sum);
            total = total + 0.5 * continueLoss.to(lmLoss.dtype);
            metrics.ContinueLoss = continueLoss.item<float>();
        }
        metrics.LmLoss = lmLoss.item<double>();
        metrics.HaltLoss = haltLoss.item<float>();
        metrics.Loss = metrics.LmLoss + 0.5 * (metrics.HaltLoss + metrics.ContinueLoss);
        return (total, metrics);
    }
}
