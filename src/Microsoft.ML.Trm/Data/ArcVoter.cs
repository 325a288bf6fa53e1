namespace Microsoft.ML.Trm.Data;

/// <summary>
/// Test-time voting as the reference's evaluators/arc.py: each prediction is cropped
/// (<see cref="ArcCodec.DecodeGrid"/>), mapped back with the inverse dihedral transform then the inverse colour
/// map, hashed and pooled per original test input. Candidates rank by votes, then mean halt probability, both
/// descending (ties keep first-seen order). Empty crops count as candidates, as in the reference.
/// </summary>
public sealed class ArcVoter
{
    private readonly Dictionary<(string, int), Dictionary<string, Entry>> _pools = new();

    private sealed class Entry(int[][] grid, int order)
    {
        public int[][] Grid { get; } = grid;
        public int Order { get; } = order;
        public int Votes;
        public double HaltSum;
    }

    /// <summary>Adds a prediction whose grid is in the augmented frame.</summary>
    public void Add(ArcPrediction prediction)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        var grid = prediction.Augmentation.Invert(prediction.Grid);
        var key = (prediction.TaskId, prediction.TestIndex);
        if (!_pools.TryGetValue(key, out var pool)) _pools[key] = pool = new Dictionary<string, Entry>();
        string hash = GridKey(grid);
        if (!pool.TryGetValue(hash, out var entry)) pool[hash] = entry = new Entry(grid, pool.Count);
        entry.Votes++;
        entry.HaltSum += prediction.HaltProbability;
    }

    /// <summary>Adds a predicted token vector (900 tokens of the ARC canvas, the argmax of the model's output).</summary>
    public void Add(string taskId, int testIndex, ArcAugmentation augmentation, ReadOnlySpan<int> tokens, float haltProbability) =>
        Add(new ArcPrediction(taskId, testIndex, augmentation, ArcCodec.DecodeGrid(tokens), haltProbability));

    /// <summary>Adds a predicted token vector for a variant named as <see cref="ArcAugmentation.VariantName"/>.</summary>
    public void Add(string variantName, int testIndex, ReadOnlySpan<int> tokens, float haltProbability)
    {
        var aug = ArcAugmentation.Parse(variantName, out string taskId);
        Add(taskId, testIndex, aug, tokens, haltProbability);
    }

    /// <summary>Number of predictions pooled for a test input.</summary>
    public int VoteCount(string taskId, int testIndex) =>
        _pools.TryGetValue((taskId, testIndex), out var pool) ? pool.Values.Sum(e => e.Votes) : 0;

    /// <summary>The ranked candidates for one original test input (empty when nothing was predicted).</summary>
    public IReadOnlyList<ArcCandidate> Ranked(string taskId, int testIndex)
    {
        if (!_pools.TryGetValue((taskId, testIndex), out var pool)) return Array.Empty<ArcCandidate>();
        return pool.Values
            .OrderByDescending(e => e.Votes).ThenByDescending(e => e.HaltSum / e.Votes).ThenBy(e => e.Order)
            .Select(e => new ArcCandidate(e.Grid, e.Votes, (float)(e.HaltSum / e.Votes)))
            .ToArray();
    }

    /// <summary>
    /// pass@K for each K (default 1 and 2) over tasks with known test outputs: a test input counts when its true
    /// grid is among the top K candidates; per task the mean over its test inputs, overall the mean over tasks.
    /// </summary>
    public ArcScore Score(IEnumerable<ArcTask> tasks, params int[] ks)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        if (ks == null || ks.Length == 0) ks = new[] { 1, 2 };
        var perTask = new Dictionary<string, IReadOnlyDictionary<int, double>>();
        foreach (var task in tasks)
        {
            var scores = new Dictionary<int, double>();
            foreach (int k in ks) scores[k] = 0;
            for (int t = 0; t < task.Test.Count; t++)
            {
                var truth = task.Test[t].Output ?? throw new ArgumentException($"Task {task.Id} test pair {t + 1} has no output to score against.", nameof(tasks));
                var ranked = Ranked(task.Id, t);
                foreach (int k in ks)
                    if (ranked.Take(k).Any(c => ArcTask.GridEquals(c.Grid, truth))) scores[k] += 1.0 / task.Test.Count;
            }
            perTask[task.Id] = scores;
        }
        var overall = ks.ToDictionary(k => k, k => perTask.Count == 0 ? 0 : perTask.Values.Average(s => s[k]));
        return new ArcScore(overall, perTask);
    }

    /// <summary>
    /// The top-2 candidates of every test input of the tasks, as a submission (see <see cref="ArcSubmission"/>).
    /// With one candidate both attempts are that grid; with none, or an empty crop, the attempt is [[0]].
    /// </summary>
    public Dictionary<string, IReadOnlyList<ArcAttempts>> ToSubmission(IEnumerable<ArcTask> tasks)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        var submission = new Dictionary<string, IReadOnlyList<ArcAttempts>>();
        foreach (var task in tasks)
        {
            var list = new ArcAttempts[task.Test.Count];
            for (int t = 0; t < task.Test.Count; t++)
            {
                var top = Ranked(task.Id, t).Select(c => c.Grid).Where(g => g.Length > 0).Take(2).ToList();
                int[][] first = top.Count > 0 ? top[0] : new[] { new[] { 0 } };
                list[t] = new ArcAttempts(first, top.Count > 1 ? top[1] : first);
            }
            submission[task.Id] = list;
        }
        return submission;
    }

    private static string GridKey(int[][] grid)
    {
        if (grid.Length == 0) return "0x0";
        var chars = new char[grid.Length * grid[0].Length];
        int k = 0;
        foreach (var row in grid) foreach (int v in row) chars[k++] = (char)('0' + v);
        return $"{grid.Length}x{grid[0].Length}:{new string(chars)}";
    }
}
