using Microsoft.ML.Trm.Model;
using static TorchSharp.torch;

namespace Microsoft.ML.Trm.Inference;

/// <summary>Evaluation of a network on labelled token rows (validation during training, the evaluator's counterpart in memory).</summary>
internal static class TrmEvaluation
{
    /// <summary>
    /// Runs <see cref="TrmInference.Run"/> on <paramref name="inputs"/> in batches of <paramref name="batchSize"/> rows
    /// and scores the answers against <paramref name="labels"/> (both row-major, <paramref name="sequenceLength"/> per row),
    /// blank-cell accuracy included.
    /// </summary>
    public static TrmMetrics Evaluate(TrmNetwork network, Device device, int[] inputs, int[] labels, int[] puzzleIds, int sequenceLength,
        int batchSize, bool haltAtInference, string source = "validation data")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var accumulator = new TrmMetricsAccumulator();
        int count = puzzleIds.Length;
        for (int start = 0; start < count; start += batchSize)
        {
            int n = Math.Min(batchSize, count - start);
            var rows = Enumerable.Range(start, n).Select(i => (long)i).ToArray();
            var batch = new TokenBatch(inputs.AsSpan(start * sequenceLength, n * sequenceLength).ToArray(), puzzleIds.AsSpan(start, n).ToArray(),
                sequenceLength, source, rows);
            var result = TrmInference.Run(network, device, batch, haltAtInference);
            accumulator.Add(result, labels.AsSpan(start * sequenceLength, n * sequenceLength), inputs.AsSpan(start * sequenceLength, n * sequenceLength));
        }
        return accumulator.Result();
    }
}
