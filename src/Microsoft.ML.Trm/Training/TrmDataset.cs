namespace Microsoft.ML.Trm.Training;

/// <summary>
/// Token rows held compactly in memory for training: inputs and labels as flat int arrays [rows × seq] and one
/// puzzle identifier per row, arranged as the reference's dataset (trm-spec §5.1): rows (examples) belong to
/// puzzles and puzzles to groups (an original and its augmentations), both as CSR offsets. Labels keep the codec's
/// tokens; PAD (0) becomes the ignore label in each batch.
/// </summary>
internal sealed class TrmDataset
{
    /// <param name="sequenceLength">Tokens per row.</param>
    /// <param name="inputs">Input tokens [rows × seq].</param>
    /// <param name="labels">Label tokens [rows × seq].</param>
    /// <param name="puzzleIds">Puzzle identifier of each row.</param>
    /// <param name="puzzleStarts">First row of each puzzle, plus the row count [puzzles + 1]; null: each row is its own puzzle.</param>
    /// <param name="groupStarts">First puzzle of each group, plus the puzzle count [groups + 1]; null: each puzzle is its own group.</param>
    public TrmDataset(int sequenceLength, int[] inputs, int[] labels, int[] puzzleIds, int[]? puzzleStarts = null, int[]? groupStarts = null)
    {
        if (inputs.Length != labels.Length || inputs.Length != puzzleIds.Length * (long)sequenceLength)
            throw new ArgumentException("Inputs, labels and identifiers disagree on the number of rows.");
        puzzleStarts ??= Enumerable.Range(0, puzzleIds.Length + 1).ToArray();
        groupStarts ??= Enumerable.Range(0, puzzleStarts.Length).ToArray();
        if (puzzleStarts[0] != 0 || puzzleStarts[^1] != puzzleIds.Length || groupStarts[0] != 0 || groupStarts[^1] != puzzleStarts.Length - 1)
            throw new ArgumentException("Puzzle or group offsets do not cover the rows.");
        (SequenceLength, Inputs, Labels, PuzzleIds, PuzzleStarts, GroupStarts) = (sequenceLength, inputs, labels, puzzleIds, puzzleStarts, groupStarts);
    }

    public int SequenceLength { get; }
    public int[] Inputs { get; }
    public int[] Labels { get; }
    public int[] PuzzleIds { get; }

    /// <summary>CSR offsets: puzzle p holds rows [PuzzleStarts[p], PuzzleStarts[p + 1]).</summary>
    public int[] PuzzleStarts { get; }

    /// <summary>CSR offsets: group g holds puzzles [GroupStarts[g], GroupStarts[g + 1]).</summary>
    public int[] GroupStarts { get; }

    /// <summary>Rows (examples).</summary>
    public int Count => PuzzleIds.Length;

    /// <summary>Stored puzzles.</summary>
    public int PuzzleCount => PuzzleStarts.Length - 1;

    /// <summary>Groups.</summary>
    public int GroupCount => GroupStarts.Length - 1;

    /// <summary>Mean rows per stored puzzle (upstream mean_puzzle_examples).</summary>
    public double MeanExamplesPerPuzzle => (double)Count / PuzzleCount;

    /// <summary>
    /// A dataset from rows in any order. Without <paramref name="groupKeys"/> (or for a null/empty key) every row is its own
    /// group and puzzle. Rows with the same key form a group (in order of first appearance) and, inside it, rows with the
    /// same puzzle identifier form one puzzle; rows are reordered so each puzzle's rows are contiguous.
    /// </summary>
    public static TrmDataset FromRows(IReadOnlyList<int[]> inputs, IReadOnlyList<int[]> labels, IReadOnlyList<int>? puzzleIds = null, IReadOnlyList<string?>? groupKeys = null)
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
        return Grouped(seq, x, y, puzzleIds?.ToArray() ?? new int[inputs.Count], groupKeys);
    }

    /// <summary>Arranges flat rows into groups and puzzles; see <see cref="FromRows"/>.</summary>
    public static TrmDataset Grouped(int seq, int[] inputs, int[] labels, int[] puzzleIds, IReadOnlyList<string?>? groupKeys)
    {
        if (groupKeys is null || groupKeys.All(string.IsNullOrEmpty)) return new TrmDataset(seq, inputs, labels, puzzleIds);
        // Order: groups by first appearance, puzzles by first appearance inside their group, rows in file order.
        var groupOrder = new List<List<List<int>>>();
        var groupOf = new Dictionary<string, int>();
        var puzzleOf = new Dictionary<(int Group, int Id), List<int>>();
        for (int r = 0; r < puzzleIds.Length; r++)
        {
            string? key = groupKeys[r];
            if (string.IsNullOrEmpty(key)) { groupOrder.Add(new List<List<int>> { new() { r } }); continue; }
            if (!groupOf.TryGetValue(key, out int g))
            {
                groupOf[key] = g = groupOrder.Count;
                groupOrder.Add(new List<List<int>>());
            }
            if (!puzzleOf.TryGetValue((g, puzzleIds[r]), out var rows))
            {
                puzzleOf[(g, puzzleIds[r])] = rows = new List<int>();
                groupOrder[g].Add(rows);
            }
            rows.Add(r);
        }
        var x = new int[inputs.Length]; var y = new int[labels.Length]; var ids = new int[puzzleIds.Length];
        var puzzleStarts = new List<int> { 0 }; var groupStarts = new List<int> { 0 };
        int next = 0;
        foreach (var group in groupOrder)
        {
            foreach (var rows in group)
            {
                foreach (int r in rows)
                {
                    Array.Copy(inputs, (long)r * seq, x, (long)next * seq, seq);
                    Array.Copy(labels, (long)r * seq, y, (long)next * seq, seq);
                    ids[next++] = puzzleIds[r];
                }
                puzzleStarts.Add(next);
            }
            groupStarts.Add(puzzleStarts.Count - 1);
        }
        return new TrmDataset(seq, x, y, ids, puzzleStarts.ToArray(), groupStarts.ToArray());
    }

    /// <summary>The given rows as a batch, unaugmented.</summary>
    public TrmBatch Batch(ReadOnlySpan<int> rows)
    {
        var samples = new TrmSample[rows.Length];
        for (int i = 0; i < rows.Length; i++) samples[i] = new TrmSample(rows[i], 0, 0);
        return Batch(samples, TrmAugmenter.Identity);
    }

    /// <summary>The given samples as a batch, each row transformed by its augmentation variant.</summary>
    public TrmBatch Batch(ReadOnlySpan<TrmSample> samples, TrmAugmenter augmenter)
    {
        int seq = SequenceLength;
        var x = new long[samples.Length * seq];
        var y = new long[samples.Length * seq];
        var ids = new long[samples.Length];
        Span<int> input = new int[seq], label = new int[seq];
        for (int b = 0; b < samples.Length; b++)
        {
            var s = samples[b];
            var sourceInput = Inputs.AsSpan(s.Row * seq, seq);
            var sourceLabel = Labels.AsSpan(s.Row * seq, seq);
            if (s.Variant == 0) { sourceInput.CopyTo(input); sourceLabel.CopyTo(label); }
            else augmenter.Apply(s.Group, s.Variant, sourceInput, sourceLabel, input, label);
            for (int j = 0; j < seq; j++)
            {
                x[b * seq + j] = input[j];
                y[b * seq + j] = label[j] == Data.PuzzleCodec.Pad ? TrmLoss.IgnoreLabel : label[j];
            }
            ids[b] = PuzzleIds[s.Row];
        }
        return new TrmBatch(samples.Length, seq, x, y, ids);
    }
}
