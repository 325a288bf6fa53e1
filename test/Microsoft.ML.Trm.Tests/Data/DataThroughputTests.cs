using System.Diagnostics;
using Microsoft.ML.Trm.Data;

namespace Microsoft.ML.Trm.Tests.Data;

/// <summary>Throughput figures (run explicitly on a Release build); not part of the normal suite.</summary>
[Explicit("Measures throughput; run on demand with a Release build.")]
public class DataThroughputTests
{
    private static double PerSecond(Func<int> work, out int count)
    {
        var sw = Stopwatch.StartNew();
        count = work();
        return count / sw.Elapsed.TotalSeconds;
    }

    [TestCase(30, 0)]
    [TestCase(24, 0)]
    [TestCase(24, 5)]
    public void Sudoku9x9_Generation(int givens, int minBacktracks)
    {
        var o = new SudokuGeneratorOptions { TargetGivens = givens, MinBacktracks = minBacktracks };
        SudokuGenerator.Generate(o, 0).Take(5).ToList();
        double rate = PerSecond(() => SudokuGenerator.Generate(o, 1).Take(minBacktracks > 0 ? 50 : 300).Count(), out int n);
        TestContext.Out.WriteLine($"sudoku 9x9 givens={givens} minBacktracks={minBacktracks}: {rate:F0} puzzles/s ({n})");
        Assert.That(rate, Is.GreaterThan(0));
    }

    [Test]
    public void Maze30x30Hard_Generation()
    {
        MazeGenerator.Generate(new MazeGeneratorOptions(), 0).Take(5).ToList();
        double rate = PerSecond(() => MazeGenerator.Generate(new MazeGeneratorOptions(), 1).Take(1000).Count(), out int n);
        TestContext.Out.WriteLine($"maze 30x30 path>110: {rate:F0} mazes/s ({n})");
        Assert.That(rate, Is.GreaterThan(0));
    }

    [Test]
    public void Arc_Augmentations()
    {
        var tasks = ArcFile.ReadFolder(Fixture.ArcFolder).Select(t => new ArcSubsetTask(t, "training", false)).ToList();
        double variantRate = PerSecond(() => tasks.Sum(t => ArcAugmentation.Variants(t.Task, 1000, new Random(1)).Count()), out int variants);
        TestContext.Out.WriteLine($"arc: {variantRate:F0} distinct augmented tasks/s ({variants} over {tasks.Count} tasks, 1000 requested each)");
        double exampleRate = PerSecond(() => ArcDataset.Build(tasks, new ArcDatasetOptions { Augmentations = 1000 }).Count(), out int examples);
        TestContext.Out.WriteLine($"arc dataset (augment + translate + encode): {exampleRate:F0} examples/s ({examples})");
        Assert.That(variantRate, Is.GreaterThan(0));
    }
}
