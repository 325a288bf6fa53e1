namespace Microsoft.ML.Trm.Data;

/// <summary>An ARC task with the name of its subset and whether that subset is the evaluation (test) subset.</summary>
/// <param name="Task">The task.</param>
/// <param name="Subset">Subset name, e.g. "training" or "evaluation"; becomes <see cref="PuzzleExample.Source"/>.</param>
/// <param name="IsTestSubset">True for tasks of the test subset: demonstrations go to the train split and test pairs to the test split.</param>
public sealed record ArcSubsetTask(ArcTask Task, string Subset, bool IsTestSubset);
