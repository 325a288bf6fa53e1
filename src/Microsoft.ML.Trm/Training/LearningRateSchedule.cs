namespace Microsoft.ML.Trm.Training;

/// <summary>
/// Upstream pretrain.py cosine_schedule_with_warmup_lr_lambda: linear warm-up from 0, then
/// base·(min + (1 − min)·½(1 + cos(π·progress))). With min ratio 1 (every recipe) the rate is constant after warm-up.
/// </summary>
internal static class LearningRateSchedule
{
    /// <summary>Learning rate at <c>step</c> (counted from 1).</summary>
    public static double At(long step, double baseRate, int warmupSteps, long totalSteps, double minRatio)
    {
        if (step < warmupSteps) return baseRate * step / Math.Max(1, warmupSteps);
        double progress = (double)(step - warmupSteps) / Math.Max(1, totalSteps - warmupSteps);
        return baseRate * (minRatio + Math.Max(0.0, (1 - minRatio) * 0.5 * (1.0 + Math.Cos(Math.PI * progress))));
    }
}
