namespace Microsoft.ML.Trm;

/// <summary>The optimiser of the network weights.</summary>
public enum TrmOptimizer
{
    /// <summary>Adam with an atan2 update and no epsilon, as the reference code uses (package adam-atan2).</summary>
    AdamAtan2,

    /// <summary>AdamW, as the paper's text names it.</summary>
    AdamW,
}
