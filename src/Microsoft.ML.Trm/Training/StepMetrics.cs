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

    /// <summary>The optimised loss, summed over the batch: lm + 0.5·(halt + continue) (continue is 0 when off).</summary>
    public double Loss { get; set; }

    /// <summary>Number of entries of the stacked metrics tensor (<see cref="TrmLoss.Compute"/>), in this order.</summary>
    internal const int VectorLength = 9;

    /// <summary>Reads the values of the stacked metrics tensor, copied to the host once per step.</summary>
    internal static StepMetrics FromVector(ReadOnlySpan<double> v) => new()
    {
        Count = (long)v[0], TokenAccuracySum = v[1], ExactAccuracySum = (long)v[2], HaltAccuracySum = (long)v[3],
        StepsSum = (long)v[4], LmLoss = v[5], HaltLoss = v[6], ContinueLoss = v[7], Loss = v[8],
    };
}
