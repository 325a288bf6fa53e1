namespace Microsoft.ML.Trm.Data;

/// <summary>pass@K results: overall (mean over tasks) and per task (mean over the task's test inputs).</summary>
/// <param name="PassAtK">K → fraction of tasks solved within K attempts.</param>
/// <param name="PerTask">Task id → K → fraction of the task's test inputs solved within K attempts.</param>
public sealed record ArcScore(IReadOnlyDictionary<int, double> PassAtK, IReadOnlyDictionary<string, IReadOnlyDictionary<int, double>> PerTask);
