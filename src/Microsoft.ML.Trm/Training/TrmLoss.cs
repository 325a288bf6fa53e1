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
    /// Total loss (lm + 0.5·(halt [+ continue])) as a scalar, and the step's metrics as one float64 tensor of
    /// <see cref="StepMetrics.VectorLength"/> entries on the loss's device (read with <see cref="StepMetrics.FromVector"/>):
    /// the sums over the rows that halted at this step with at least one valid label (upstream semantics), then the
    /// lm, halt and continue losses and the total. Nothing is copied to the host here, so reading the metrics costs
    /// one synchronisation, after the optimiser.
    /// </summary>
    public static (Tensor Loss, Tensor Metrics) Compute(
        Tensor logits, Tensor labels, Tensor haltLogits, Tensor? continueLogits, Tensor? continueTarget,
        Tensor steps, Tensor halted, TrmLossType type)
    {
        Tensor valid, counts, divisor, seqCorrect, rowMetrics;
        using (no_grad())
        {
            valid = labels != IgnoreLabel;
            counts = valid.sum(-1);
            divisor = counts.clamp_min(1).unsqueeze(-1);
            var correct = valid & (logits.argmax(-1) == labels);
            seqCorrect = correct.sum(-1) == counts;
            var rows = (halted & (counts > 0)).to(ScalarType.Float64);
            // Per row: counted, token accuracy, exact, halt accuracy, steps; masked by the counted rows and summed.
            rowMetrics = stack(new[]
            {
                rows,
                (correct.to(ScalarType.Float64) / divisor).sum(-1) * rows,
                seqCorrect.to(ScalarType.Float64) * rows,
                ((haltLogits >= 0) == seqCorrect).to(ScalarType.Float64) * rows,
                steps.to(ScalarType.Float64) * rows,
            }, 1).sum(dim: 0L);
        }
        var lmLoss = (CrossEntropy(logits, labels, valid, type) / divisor).sum();
        var haltLoss = nn.functional.binary_cross_entropy_with_logits(haltLogits, seqCorrect.to(haltLogits.dtype), reduction: nn.Reduction.Sum);
        var total = lmLoss + 0.5 * haltLoss.to(lmLoss.dtype);
        Tensor? continueLoss = null;
        if (continueLogits is not null && continueTarget is not null)
        {
            continueLoss = nn.functional.binary_cross_entropy_with_logits(continueLogits, continueTarget, reduction: nn.Reduction.Sum);
            total = total + 0.5 * continueLoss.to(lmLoss.dtype);
        }
        using (no_grad())
        {
            var losses = stack(new[]
            {
                lmLoss.detach().to(ScalarType.Float64), haltLoss.detach().to(ScalarType.Float64),
                continueLoss is null ? zeros(1, ScalarType.Float64, device: lmLoss.device).squeeze(0) : continueLoss.detach().to(ScalarType.Float64),
                total.detach().to(ScalarType.Float64),
            });
            return (total, cat(new[] { rowMetrics, losses }));
        }
    }
}
