namespace Microsoft.ML.Trm;

/// <summary>What a TRM model says about one puzzle.</summary>
/// <param name="Tokens">Predicted tokens after the last supervision step.</param>
/// <param name="Confidence">Halt probability sigmoid(q_halt) at the last step: the model's belief that its answer is exactly right.</param>
/// <param name="Steps">Supervision steps applied to the answer.</param>
public sealed record TrmSolution(int[] Tokens, float Confidence, int Steps)
{
    /// <summary>Predicted tokens after each supervision step, when step recording is on.</summary>
    public IReadOnlyList<int[]>? StepTokens { get; init; }

    /// <summary>Halt probability after each supervision step, when step recording is on.</summary>
    public IReadOnlyList<float>? StepConfidences { get; init; }
}
