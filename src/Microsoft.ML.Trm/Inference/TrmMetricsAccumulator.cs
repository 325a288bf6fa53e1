using Microsoft.ML.Trm.Data;

namespace Microsoft.ML.Trm.Inference;

/// <summary>
/// The one place <see cref="TrmMetrics"/> are computed (exact, token and halt accuracy, mean steps), as the reference
/// reports them: label PAD tokens are not scored, rows with no scored token are skipped, and "confidence ≥ 0.5" is the
/// halt prediction compared with "exactly right". Given the puzzles, it also scores the cells to fill in (label differs
/// from the puzzle token: Sudoku's blank cells), pooled over all rows (<see cref="TrmMetrics.BlankCellAccuracy"/>).
/// </summary>
internal sealed class TrmMetricsAccumulator
{
    private long _count, _exact, _halt, _steps, _blanks, _blanksRight;
    private double _token;

    /// <summary>Adds one row; <paramref name="puzzle"/> (the input tokens, or empty) adds it to the blank-cell accuracy.</summary>
    public void Add(ReadOnlySpan<int> labels, ReadOnlySpan<int> predicted, float confidence, int steps, ReadOnlySpan<int> puzzle = default)
    {
        int valid = 0, right = 0;
        bool blanks = puzzle.Length == labels.Length;
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] == PuzzleCodec.Pad) continue;
            valid++;
            bool ok = predicted[i] == labels[i];
            if (ok) right++;
            if (blanks && puzzle[i] != labels[i]) { _blanks++; if (ok) _blanksRight++; }
        }
        if (valid == 0) return;
        bool exact = right == valid;
        _count++;
        _token += (double)right / valid;
        if (exact) _exact++;
        if ((confidence >= 0.5f) == exact) _halt++;
        _steps += steps;
    }

    /// <summary>
    /// Adds every row of <paramref name="result"/>; <paramref name="labels"/> (and <paramref name="puzzles"/>, the inputs,
    /// when blank-cell accuracy is wanted) are row-major like its tokens.
    /// </summary>
    public void Add(InferenceResult result, ReadOnlySpan<int> labels, ReadOnlySpan<int> puzzles = default)
    {
        int seq = result.SequenceLength;
        if (labels.Length != result.Count * seq)
            throw new ArgumentException($"{labels.Length} labels for {result.Count} rows of {seq} tokens.", nameof(labels));
        if (!puzzles.IsEmpty && puzzles.Length != labels.Length)
            throw new ArgumentException($"{puzzles.Length} puzzle tokens for {result.Count} rows of {seq} tokens.", nameof(puzzles));
        for (int i = 0; i < result.Count; i++)
            Add(labels.Slice(i * seq, seq), result.TokensOf(i), result.Confidences[i], result.Steps[i], puzzles.IsEmpty ? default : puzzles.Slice(i * seq, seq));
    }

    /// <summary>The metrics of the rows added so far.</summary>
    public TrmMetrics Result()
    {
        double n = Math.Max(1, _count);
        return new TrmMetrics(_count, _exact / n, _token / n, _halt / n, _steps / n)
        {
            BlankCellAccuracy = _blanks == 0 ? double.NaN : (double)_blanksRight / _blanks,
        };
    }
}
