namespace Microsoft.ML.Trm.Data;

/// <summary>A prediction for one test input of one augmented variant of a task.</summary>
/// <param name="TaskId">The original task id.</param>
/// <param name="TestIndex">Index of the test pair in the original task.</param>
/// <param name="Augmentation">The augmentation of the variant the model saw.</param>
/// <param name="Grid">The predicted grid in the augmented frame (cropped, colours 0-9).</param>
/// <param name="HaltProbability">sigmoid(halt logit) of the prediction, used to break ties.</param>
public sealed record ArcPrediction(string TaskId, int TestIndex, ArcAugmentation Augmentation, int[][] Grid, float HaltProbability);
