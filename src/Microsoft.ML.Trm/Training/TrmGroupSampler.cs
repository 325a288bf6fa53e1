namespace Microsoft.ML.Trm.Training;

/// <summary>
/// The reference's training sampler (puzzle_dataset.py _iter_train / _sample_batch, trm-spec §4 "Epoch semantics"):
/// an iteration streams <see cref="TrmOptions.EvaluateEveryEpochs"/> epochs; each epoch is a fresh shuffle of the
/// groups; for each group one member is drawn (a stored puzzle and an augmentation variant) and all its rows are
/// appended in random order, truncated to fill the batch; the last incomplete batch of an iteration is dropped.
/// Iteration i is a pure function of (seed, i), so a resumed run regenerates it and skips the batches already used.
/// </summary>
internal sealed class TrmGroupSampler
{
    private readonly TrmDataset _data;
    private readonly int _batchSize, _seed, _epochs, _epochsPerIteration, _members;

    public TrmGroupSampler(TrmDataset data, int batchSize, int seed, int epochs, int epochsPerIteration, int members)
    {
        if (batchSize <= 0 || epochs <= 0 || epochsPerIteration <= 0 || members <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize));
        (_data, _batchSize, _seed, _epochs, _epochsPerIteration, _members) = (data, batchSize, seed, epochs, Math.Min(epochsPerIteration, epochs), members);
    }

    /// <summary>Iterations of the run: ceil(epochs / epochs per iteration) (the last one may be shorter).</summary>
    public int Iterations => (_epochs + _epochsPerIteration - 1) / _epochsPerIteration;

    /// <summary>Epochs streamed by iteration <paramref name="iteration"/>.</summary>
    public int EpochsIn(int iteration) => Math.Min(_epochsPerIteration, _epochs - iteration * _epochsPerIteration);

    /// <summary>The batches of iteration <paramref name="iteration"/> (each array is new).</summary>
    public IEnumerable<TrmSample[]> Iteration(int iteration)
    {
        var order = new Random(Seed(iteration, 1));
        var pick = new Random(Seed(iteration, 2));
        var groups = new int[_data.GroupCount];
        var batch = new TrmSample[_batchSize];
        int filled = 0;
        int[] scratch = Array.Empty<int>();
        for (int epoch = 0; epoch < EpochsIn(iteration); epoch++)
        {
            for (int g = 0; g < groups.Length; g++) groups[g] = g;
            order.Shuffle(groups);
            foreach (int g in groups)
            {
                int firstPuzzle = _data.GroupStarts[g], puzzles = _data.GroupStarts[g + 1] - firstPuzzle;
                int puzzle = firstPuzzle + (puzzles > 1 ? pick.Next(puzzles) : 0);
                int variant = _members > 1 ? pick.Next(_members) : 0;
                int firstRow = _data.PuzzleStarts[puzzle], rows = _data.PuzzleStarts[puzzle + 1] - firstRow;
                int append = Math.Min(rows, _batchSize - filled);
                if (rows == 1) batch[filled++] = new TrmSample(firstRow, g, variant);
                else
                {
                    // A random ordered subset of `append` of the puzzle's rows (np.random.choice(rows, append, replace=False)).
                    if (scratch.Length < rows) scratch = new int[rows];
                    for (int k = 0; k < rows; k++) scratch[k] = k;
                    for (int k = 0; k < append; k++)
                    {
                        int j = k + pick.Next(rows - k);
                        (scratch[k], scratch[j]) = (scratch[j], scratch[k]);
                        batch[filled++] = new TrmSample(firstRow + scratch[k], g, variant);
                    }
                }
                if (filled == _batchSize)
                {
                    yield return batch;
                    batch = new TrmSample[_batchSize];
                    filled = 0;
                }
            }
        }
        // The last incomplete batch of the iteration is dropped.
    }

    private int Seed(int iteration, int stream)
    {
        unchecked
        {
            uint h = 2166136261;
            foreach (int v in new[] { _seed, iteration, stream }) h = (h ^ (uint)v) * 16777619;
            return (int)(h & 0x7fffffff);
        }
    }
}
