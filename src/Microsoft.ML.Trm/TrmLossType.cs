namespace Microsoft.ML.Trm;

/// <summary>The answer loss (upstream <c>loss.loss_type</c>).</summary>
public enum TrmLossType
{
    /// <summary>Stablemax cross-entropy computed in float64 (upstream default <c>stablemax_cross_entropy</c>).</summary>
    Stablemax,

    /// <summary>Plain softmax cross-entropy.</summary>
    Softmax,
}
