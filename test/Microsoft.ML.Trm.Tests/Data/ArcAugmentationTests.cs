using Microsoft.ML.Trm.Data;

namespace Microsoft.ML.Trm.Tests.Data;

public class ArcAugmentationTests
{
    [Test]
    public void Apply_ThenInvert_RestoresEveryGrid()
    {
        var rng = new Random(3);
        foreach (var task in ArcFile.ReadFolder(Fixture.ArcFolder))
            for (int k = 0; k < 8; k++)
            {
                var aug = ArcAugmentation.Random(rng);
                foreach (var p in task.Train.Concat(task.Test))
                {
                    Assert.That(ArcTask.GridEquals(aug.Invert(aug.Apply(p.Input)), p.Input), Is.True);
                    Assert.That(ArcTask.GridEquals(aug.Invert(aug.Apply(p.Output!)), p.Output), Is.True);
                }
            }
    }

    [Test]
    public void Apply_ColourMapThenDihedral_KeepsBlackAndMapsColours()
    {
        var aug = new ArcAugmentation(1, new[] { 0, 2, 3, 4, 5, 6, 7, 8, 9, 1 });
        // [[0,1],[9,5]] → colours [[0,2],[1,6]] → rot90 (counter-clockwise) [[2,6],[0,1]].
        Assert.That(ArcCodec.FormatGrid(aug.Apply(new[] { new[] { 0, 1 }, new[] { 9, 5 } })), Is.EqualTo("26|01"));
    }

    [Test]
    public void VariantName_ThenParse_RoundTrips()
    {
        var aug = new ArcAugmentation(6, new[] { 0, 9, 8, 7, 6, 5, 4, 3, 2, 1 });
        string name = aug.VariantName("007bbfb7");
        Assert.That(name, Is.EqualTo("007bbfb7|||t6|||0987654321"));
        var back = ArcAugmentation.Parse(name, out string task);
        Assert.That(task, Is.EqualTo("007bbfb7"));
        Assert.That(back.DihedralId, Is.EqualTo(6));
        Assert.That(back.ColourMap, Is.EqualTo(aug.ColourMap));
        Assert.That(ArcAugmentation.Identity.VariantName("x"), Is.EqualTo("x"));
        Assert.Throws<PuzzleFormatException>(() => ArcAugmentation.Parse("x|||t9|||0123", out _));
    }

    [Test]
    public void Variants_AreDistinctAndStartWithTheIdentity()
    {
        var task = ArcFile.ReadTask(Fixture.Path("arc", "6150a2bd.json"));
        var variants = ArcAugmentation.Variants(task, 20, new Random(1)).ToList();
        Assert.That(variants, Has.Count.EqualTo(21));
        Assert.That(variants[0].Augmentation.IsIdentity, Is.True);
        Assert.That(variants.Select(v => ArcAugmentation.TaskHash(v.Task)).Distinct().Count(), Is.EqualTo(21));
    }

    [Test]
    public void Variants_TaskWithOnlyBlackSymmetricGrids_StopsAfterFiveTimesCountDraws()
    {
        // Every grid is black and square-symmetric: no augmentation changes the task.
        var black = new[] { new[] { 0, 0 }, new[] { 0, 0 } };
        var task = new ArcTask("blk", new[] { new ArcPair(black, black) }, new[] { new ArcPair(black, black) });
        Assert.That(ArcAugmentation.Variants(task, 10, new Random(1)).Count(), Is.EqualTo(1));
    }
}
