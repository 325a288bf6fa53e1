namespace Microsoft.ML.Trm.Inference;

/// <summary>
/// What <see cref="TrmInference.Run"/> returns for a <see cref="TokenBatch"/>, row-major like its input: the tokens
/// after the last step applied, the halt probability there, the steps applied, and, when recorded, the tokens and halt
/// probability after every one of the N_sup steps (slots after a row halted repeat its last values).
/// </summary>
internal sealed class InferenceResult
{
    internal InferenceResult(int sequenceLength, int maxSteps, int[] tokens, float[] confidences, int[] steps, int[]? stepTokens, float[]? stepConfidences)
    {
        (SequenceLength, MaxSteps, Tokens, Confidences, Steps, StepTokens, StepConfidences) =
            (sequenceLength, maxSteps, tokens, confidences, steps, stepTokens, stepConfidences);
    }

    /// <summary>Rows.</summary>
    public int Count => Steps.Length;

    /// <summary>Tokens per row.</summary>
    public int SequenceLength { get; }

    /// <summary>N_sup: the step slots per row of <see cref="StepTokens"/> and <see cref="StepConfidences"/>.</summary>
    public int MaxSteps { get; }

    /// <summary>Predicted tokens [Count × SequenceLength].</summary>
    public int[] Tokens { get; }

    /// <summary>sigmoid(q_halt) at each row's last step [Count].</summary>
    public float[] Confidences { get; }

    /// <summary>Supervision steps applied to each row [Count].</summary>
    public int[] Steps { get; }

    /// <summary>Tokens after every step [Count × MaxSteps × SequenceLength], or null when not recorded.</summary>
    public int[]? StepTokens { get; }

    /// <summary>Halt probability after every step [Count × MaxSteps], or null when not recorded.</summary>
    public float[]? StepConfidences { get; }

    /// <summary>The predicted tokens of row <paramref name="row"/>.</summary>
    public ReadOnlySpan<int> TokensOf(int row) => Tokens.AsSpan(row * SequenceLength, SequenceLength);

    /// <summary>Row <paramref name="row"/> as the public <see cref="TrmSolution"/> (step lists hold the steps applied).</summary>
    public TrmSolution Solution(int row)
    {
        int steps = Steps[row];
        return new TrmSolution(TokensOf(row).ToArray(), Confidences[row], steps)
        {
            StepTokens = StepTokens is null ? null : Enumerable.Range(0, steps)
                .Select(s => StepTokens.AsSpan((row * MaxSteps + s) * SequenceLength, SequenceLength).ToArray()).ToArray(),
            StepConfidences = StepConfidences?.AsSpan(row * MaxSteps, steps).ToArray(),
        };
    }
}
