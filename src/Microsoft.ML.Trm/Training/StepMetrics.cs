namespace Microsoft.ML.Trm.Training;

/// <summary>
/// Sums over the rows that halted at a step (upstream losses.py metrics); divide by <see cref="Count"/> for the
/// means. Losses are sums over the whole batch.
/// </summary>
internal sealed class StepMetrics
{
    public long Count { get; set; }
    public double TokenAccuracySum { get; set; }
    public long ExactAccuracySum { get; set; }
    public long HaltAccuracySum { get; set; }
    public long StepsSum { get; set; }
    public double LmLoss { get; set; }
    public double HaltLoss { get; set; }
    public double ContinueLoss { get; set; }   // 0 unless the HRM-style Q-continue loss is on
    public double Loss { get; set; }           // the optimised total: lm + 0.5·(halt + continue), filled by TrmLoss.Compute
}
