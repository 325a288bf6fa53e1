namespace Microsoft.ML.Trm.Data;

/// <summary>
/// Builds TRM's ARC dataset lazily, as the reference's build_arc_dataset.py: per task, the identity and up to
/// <see cref="ArcDatasetOptions.Augmentations"/> distinct augmentations (<see cref="ArcAugmentation.Variants"/>), each
/// a puzzle with its own identifier (from 1; 0 is the blank id); split rule: tasks of the test subset put their
/// demonstrations in the train split and their test pairs in the test split, other tasks put all pairs in train;
/// train-split pairs are translated on the canvas. Nothing is held beyond the current task, so 1,000 tasks × 1,000
/// augmentations stream in constant memory. The random stream differs from numpy's, so the exact variants differ
/// from the reference's.
/// </summary>
public static class ArcDataset
{
    /// <summary>Builds the dataset from tasks in order; enumerating again repeats the same sequence.</summary>
    public static IEnumerable<ArcDatasetExample> Build(IEnumerable<ArcSubsetTask> tasks, ArcDatasetOptions options)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        ArgumentNullException.ThrowIfNull(options);
        var rng = new Random(options.Seed);
        int nextId = 1;
        foreach (var (task, subset, isTest) in tasks)
        {
            foreach (var (aug, variant) in ArcAugmentation.Variants(task, options.Augmentations, rng))
            {
                int id = nextId++;
                string name = aug.VariantName(task.Id);
                var train = isTest ? variant.Train : variant.Train.Concat(variant.Test).ToArray();
                int keep = rng.Next(train.Count);
                for (int k = 0; k < train.Count; k++)
                {
                    var p = train[k];
                    var output = p.Output ?? throw new PuzzleFormatException($"arc: task {task.Id}: a pair of the train split has no output.");
                    int r = 0, c = 0;
                    if (options.Translate && k != keep)
                    {
                        r = rng.Next(ArcCodec.CanvasSize - Math.Max(p.Input.Length, output.Length) + 1);
                        c = rng.Next(ArcCodec.CanvasSize - Math.Max(p.Input[0].Length, output[0].Length) + 1);
                    }
                    yield return new ArcDatasetExample(ArcSplit.Train, Example(p.Input, output, r, c, id, subset, task.Id, name), aug, -1);
                }
                if (!isTest) continue;
                for (int k = 0; k < variant.Test.Count; k++)
                {
                    var p = variant.Test[k];
                    yield return new ArcDatasetExample(ArcSplit.Test, Example(p.Input, p.Output, 0, 0, id, subset, task.Id, name), aug, k);
                }
            }
        }
    }

    /// <summary>Only the <see cref="PuzzleExample"/>s of one split (for <see cref="PuzzleDataViews"/>).</summary>
    public static IEnumerable<PuzzleExample> Examples(IEnumerable<ArcSubsetTask> tasks, ArcDatasetOptions options, ArcSplit split) =>
        Build(tasks, options).Where(e => e.Split == split).Select(e => e.Example);

    private static PuzzleExample Example(int[][] input, int[][]? output, int r, int c, int id, string subset, string task, string name) =>
        new(ArcCodec.FormatGrid(input), output == null ? "" : ArcCodec.FormatGrid(output), id, subset)
        {
            Group = task,
            Name = name,
            PuzzleTokens = ArcCodec.EncodeGrid(input, r, c),
            SolutionTokens = output == null ? new int[ArcCodec.CanvasSize * ArcCodec.CanvasSize] : ArcCodec.EncodeGrid(output, r, c),
        };
}
