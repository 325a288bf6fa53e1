using Microsoft.ML.Trm.Data;

namespace Microsoft.ML.Trm.Tests.Data;

public class ArcDatasetTests
{
    private static List<ArcTask> Tasks() => ArcFile.ReadFolder(Fixture.ArcFolder).ToList();

    [Test]
    public void Build_SplitRule_TestSubsetDemosToTrainTestPairsToTest()
    {
        var tasks = Tasks();
        var input = new[] { new ArcSubsetTask(tasks[0], "training", false), new ArcSubsetTask(tasks[1], "evaluation", true) };
        var all = ArcDataset.Build(input, new ArcDatasetOptions { Augmentations = 3 }).ToList();
        var first = all.Where(e => e.Example.Group == tasks[0].Id).ToList();
        var second = all.Where(e => e.Example.Group == tasks[1].Id).ToList();
        Assert.That(first.All(e => e.Split == ArcSplit.Train), Is.True);
        Assert.That(first.Count, Is.EqualTo(4 * (tasks[0].Train.Count + tasks[0].Test.Count)));
        Assert.That(second.Count(e => e.Split == ArcSplit.Train), Is.EqualTo(4 * tasks[1].Train.Count));
        Assert.That(second.Count(e => e.Split == ArcSplit.Test), Is.EqualTo(4 * tasks[1].Test.Count));
        // One identifier per task × augmentation, from 1, shared by a variant's train and test examples.
        Assert.That(all.Select(e => e.Example.PuzzleId).Distinct().OrderBy(x => x), Is.EqualTo(Enumerable.Range(1, 8)));
        Assert.That(second.GroupBy(e => e.Example.PuzzleId).All(g => g.Select(e => e.Example.Name).Distinct().Count() == 1), Is.True);
        Assert.That(first[0].Example.Name, Is.EqualTo(tasks[0].Id));
        Assert.That(second.Where(e => e.Split == ArcSplit.Test).Select(e => e.TestIndex).Distinct().OrderBy(x => x),
            Is.EqualTo(Enumerable.Range(0, tasks[1].Test.Count)));
    }

    [Test]
    public void Build_Translation_PairsShareOneOffsetOneExampleAtOriginTestAtOrigin()
    {
        var input = Tasks().Select(t => new ArcSubsetTask(t, "evaluation", true));
        var all = ArcDataset.Build(input, new ArcDatasetOptions { Augmentations = 4, Seed = 5 }).ToList();
        int translated = 0;
        foreach (var puzzle in all.GroupBy(e => e.Example.PuzzleId))
        {
            int atOrigin = 0;
            foreach (var e in puzzle)
            {
                var (r, c) = Offset(e.Example.PuzzleTokens!);
                Assert.That(Offset(e.Example.SolutionTokens!), Is.EqualTo((r, c)));
                // Shifting back gives the grid of the text form.
                Assert.That(ArcCodec.FormatGrid(Crop(e.Example.PuzzleTokens!, r, c)), Is.EqualTo(e.Example.Puzzle));
                Assert.That(ArcCodec.FormatGrid(Crop(e.Example.SolutionTokens!, r, c)), Is.EqualTo(e.Example.Solution));
                if (e.Split == ArcSplit.Test) Assert.That((r, c), Is.EqualTo((0, 0)));
                else if ((r, c) == (0, 0)) atOrigin++;
                else translated++;
            }
            Assert.That(atOrigin, Is.GreaterThanOrEqualTo(1));
        }
        Assert.That(translated, Is.GreaterThan(0));
    }

    [Test]
    public void Build_IsDeterministicAndReEnumerable()
    {
        var input = Tasks().Select(t => new ArcSubsetTask(t, "training", false)).ToList();
        var build = ArcDataset.Build(input, new ArcDatasetOptions { Augmentations = 5 });
        var a = build.Select(e => (e.Example.Name, string.Join(",", e.Example.PuzzleTokens!))).ToList();
        var b = build.Select(e => (e.Example.Name, string.Join(",", e.Example.PuzzleTokens!))).ToList();
        Assert.That(b, Is.EqualTo(a));
    }

    [Test]
    public void Build_ThousandTasksTimesThousandAugmentations_Streams()
    {
        var fixtures = Tasks();
        int pulled = 0;
        IEnumerable<ArcSubsetTask> Source()
        {
            for (int i = 0; i < 1000; i++)
            {
                pulled++;
                var t = fixtures[i % fixtures.Count];
                yield return new ArcSubsetTask(t with { Id = $"{t.Id}-{i}" }, "training", false);
            }
        }
        var first = ArcDataset.Build(Source(), new ArcDatasetOptions { Augmentations = 1000 }).Take(3000).ToList();
        Assert.That(first, Has.Count.EqualTo(3000));
        Assert.That(pulled, Is.LessThan(5));
    }

    private static (int, int) Offset(int[] tokens)
    {
        int i = Array.FindIndex(tokens, t => t >= 2);
        return (i / 30, i % 30);
    }

    private static int[][] Crop(int[] tokens, int r, int c)
    {
        var shifted = new int[900];
        for (int i = 0; i + r < 30; i++)
            for (int j = 0; j + c < 30; j++) shifted[i * 30 + j] = tokens[(i + r) * 30 + j + c];
        return ArcCodec.DecodeGrid(shifted);
    }
}
