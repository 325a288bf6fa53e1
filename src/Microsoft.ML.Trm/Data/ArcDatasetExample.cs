namespace Microsoft.ML.Trm.Data;

/// <summary>One example of the ARC dataset.</summary>
/// <param name="Split">The split.</param>
/// <param name="Example">Text and tokens (<see cref="PuzzleExample.PuzzleTokens"/> hold the translated canvas), the puzzle identifier, task id as <see cref="PuzzleExample.Group"/>, variant name as <see cref="PuzzleExample.Name"/>.</param>
/// <param name="Augmentation">The augmentation of this variant (to invert predictions).</param>
/// <param name="TestIndex">Index of the task's test pair for test-split examples, −1 otherwise.</param>
public sealed record ArcDatasetExample(ArcSplit Split, PuzzleExample Example, ArcAugmentation Augmentation, int TestIndex);
