namespace Microsoft.ML.Trm.Data;

/// <summary>Score of a submission: pass@2 per task (mean over its test inputs) and overall (mean over tasks).</summary>
/// <param name="Overall">Mean of <paramref name="PerTask"/> over the scored tasks.</param>
/// <param name="PerTask">Task id → fraction of its test inputs solved by either attempt.</param>
public sealed record ArcSubmissionScore(double Overall, IReadOnlyDictionary<string, double> PerTask);
