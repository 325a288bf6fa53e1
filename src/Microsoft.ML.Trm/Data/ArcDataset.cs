namespace Microsoft.ML.Trm.Data;

/// <summary>Settings of <see cref="ArcDataset.Build(IEnumerable{ArcSubsetTask}, ArcDatasetOptions)"/>.</summary>
public sealed record ArcDatasetOptions
{
    /// <summary>Extra augmented variants per task (the reference's <c>num_aug</c>, 1000); 0 keeps only the originals.</summary>
    public int Augmentations { get; init; } = 1000;

    /// <summary>Seed of the random draws (augmentations, translations); the reference uses 42.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Translate train-split pairs on the canvas (one random example per puzzle stays at (0,0)).</summary>
    public bool Translate { get; init; } = true;
}

/// <summary>An ARC task with the name of its subset and whether that subset is the evaluation (test) subset.</summary>
/// <param name="Task">The task.</param>
/// <param name="Subset">Subset name, e.g. "training" or "evaluation"; becomes <see cref="PuzzleExample.Source"/>.</param>
/// <param name="IsTestSubset">True for tasks of the test subset: demonstrations go to the train split and test pairs to the test split.</param>
public sealed record ArcSubsetTask(ArcTask Task, string Subset, bool IsTestSubset);

/// <summary>Which split of the dataset an example belongs to.</summary>
public enum ArcSplit
{
    /// <summary>Training examples.</summary>
    Train,

    /// <summary>Evaluation examples (test pairs of the test subset).</summary>
    Test,
}

/// <summary>One example of the ARC dataset.</summary>
/// <param name="Split">The split.</param>
/// <param name="Example">Text and tokens (<see cref="PuzzleExample.PuzzleTokens"/> hold the translated canvas), the puzzle identifier, task id as <see cref="PuzzleExample.Group"/>, variant name as <see cref="PuzzleExample.Name"/>.</param>
/// <param name="Augmentation">The augmentation of this variant (to invert predictions).</param>
/// <param name="TestIndex">Index of the task's test pair for test-split examples, −1 otherwise.</param>
public sealed record ArcDatasetExample(ArcSplit Split, PuzzleExample Example, ArcAugmentation Augmentation, int TestIndex);

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
