namespace Microsoft.ML.Trm;

/// <summary>A progress report from <see cref="TrmEstimator.Fit(IDataView, TrmFitSettings)"/>; training metrics are over the rows that halted since the previous report.</summary>
public sealed record TrmProgress
{
    /// <summary>Optimiser steps done.</summary>
    public long Step { get; init; }

    /// <summary>Optimiser steps planned.</summary>
    public long TotalSteps { get; init; }

    /// <summary>Mean training loss per example (answer loss + 0.5 × halt loss).</summary>
    public double Loss { get; init; }

    /// <summary>Training metrics since the last report (rows that halted).</summary>
    public TrmMetrics? Train { get; init; }

    /// <summary>Validation metrics, on the reports that follow an evaluation.</summary>
    public TrmMetrics? Validation { get; init; }

    /// <summary>Learning rate of the last step.</summary>
    public double LearningRate { get; init; }

    /// <summary>Training examples (rows × supervision steps) processed per second since the last report.</summary>
    public double ExamplesPerSecond { get; init; }

    /// <summary>Time since training started (this run).</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>Estimated time to finish.</summary>
    public TimeSpan? Remaining { get; init; }
}
