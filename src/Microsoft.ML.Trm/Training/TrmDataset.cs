namespace Microsoft.ML.Trm.Training;

/// <summary>
/// Token rows held compactly in memory for training: inputs and labels as flat int arrays [rows × seq] and one
/// puzzle identifier per row. Labels keep the codec's tokens; PAD (0) becomes the ignore label in each batch.
/// </summary>
internal sealed class TrmDataset
{
    public TrmDataset(int sequenceLength, int[] inputs, int[] labels, int[] puzzleIds)
    {
        if (inputs.Length != labels.Length || inputs.Length != puzzleIds.Length * (long)sequenceLength)
            throw new ArgumentException("Inputs, labels and identifiers disagree on the number of rows.");
        (SequenceLength, Inputs, Labels, PuzzleIds) = (sequenceLength, inputs, labels, puzzleIds);
    }

    public int SequenceLength { get; }
    public int[] Inputs { get; }
    public int[] Labels { get; }
    public int[] PuzzleIds { get; }
    public int Count => PuzzleIds.Length;

    public static TrmDataset FromRows(IReadOnlyList<int[]> inputs, IReadOnlyList<int[]> labels, IReadOnlyList<int>? puzzleIds = null)
    {
        if (inputs.Count == 0) throw new ArgumentException("The dataset is empty.", nameof(inputs));
        int seq = inputs[0].Length;
        var x = new int[inputs.Count * seq];
        var y = new int[inputs.Count * seq];
        for (int i = 0; i < inputs.Count; i++)
        {
            inputs[i].CopyTo(x, i * seq);
            labels[i].CopyTo(y, i * seq);
        }
        return new TrmDataset(seq, x, y, puzzleIds?.ToArray() ?? new int[inputs.Count]);
    }

    /// <summary>One epoch of batches in a shuffled order; the last incomplete batch is dropped (as upstream).</summary>
    public IEnumerable<TrmBatch> Epoch(Random random, int batchSize)
    {
        var order = Enumerable.Range(0, Count).ToArray();
        random.Shuffle(order);
        for (int start = 0; start + batchSize <= Count; start += batchSize)
            yield return Batch(order.AsSpan(start, batchSize));
    }

    /// <summary>The given rows as a batch.</summary>
    public TrmBatch Batch(ReadOnlySpan<int> rows)
    {
        int seq = SequenceLength;
        var x = new long[rows.Length * seq];
        var y = new long[rows.Length * seq];
        var ids = new long[rows.Length];
        for (int b = 0; b < rows.Length; b++)
        {
            int r = rows[b];
            for (int j = 0; j < seq; j++)
            {
                x[b * seq + j] = Inputs[r * seq + j];
                int label = Labels[r * seq + j];
                y[b * seq + j] = label == Data.PuzzleCodec.Pad ? TrmLoss.IgnoreLabel : label;
            }
            ids[b] = PuzzleIds[r];
        }
        return new TrmBatch(rows.Length, seq, x, y, ids);
    }
}

/// <summary>A batch on the host: inputs and labels [size × seq] (labels −100 where ignored), identifiers [size].</summary>
internal sealed record TrmBatch(int Size, int SequenceLength, long[] Inputs, long[] Labels, long[] PuzzleIds);
