namespace Microsoft.ML.Trm;

/// <summary>Quality of TRM predictions, as the reference reports them.</summary>
/// <param name="Count">Rows evaluated.</param>
/// <param name="ExactAccuracy">Fraction of rows whose every labelled token is right (the paper's accuracy).</param>
/// <param name="TokenAccuracy">Mean over rows of the fraction of labelled tokens that are right.</param>
/// <param name="HaltAccuracy">Fraction of rows where "confidence ≥ 0.5" agrees with "exactly right".</param>
/// <param name="MeanSteps">Mean supervision steps used.</param>
public sealed record TrmMetrics(long Count, double ExactAccuracy, double TokenAccuracy, double HaltAccuracy, double MeanSteps)
{
    /// <summary>
    /// Fraction of the cells to fill in that are right: labelled cells whose puzzle token differs from the label (for
    /// Sudoku, the blank cells; givens only need copying). NaN when the puzzles were not given to the evaluation.
    /// </summary>
    public double BlankCellAccuracy { get; init; } = double.NaN;

    /// <summary>One line for logs: "exact 0.912 token 0.987 halt 0.95 steps 16.0 (n=256)".</summary>
    public override string ToString() => $"exact {ExactAccuracy:F4} token {TokenAccuracy:F4} halt {HaltAccuracy:F4} steps {MeanSteps:F2} (n={Count})";
}
