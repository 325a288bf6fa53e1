using Microsoft.ML.Trm.Data;

namespace Microsoft.ML.Trm.Tests.Data;

public class ArcVotingTests
{
    [Test]
    public void Score_TrueOutputsThroughAllAugmentations_PassAt2Is100Percent()
    {
        var tasks = ArcFile.ReadFolder(Fixture.ArcFolder).ToList();
        var voter = new ArcVoter();
        var input = tasks.Select(t => new ArcSubsetTask(t, "evaluation", true));
        int variants = 0;
        foreach (var e in ArcDataset.Build(input, new ArcDatasetOptions { Augmentations = 15, Seed = 1 }).Where(e => e.Split == ArcSplit.Test))
        {
            variants++;
            // The model's "prediction" is the true augmented output token vector...
            voter.Add(e.Example.Group!, e.TestIndex, e.Augmentation, e.Example.SolutionTokens!, 0.4f);
            // ...and, for a third of the variants, a confident wrong answer (the augmented input grid).
            if (e.Example.PuzzleId % 3 == 0) voter.Add(e.Example.Name!, e.TestIndex, e.Example.PuzzleTokens!, 0.99f);
        }
        Assert.That(variants, Is.GreaterThan(16 * tasks.Count - 10));
        var score = voter.Score(tasks, 1, 2, 5);
        Assert.That(score.PassAtK[1], Is.EqualTo(1.0));
        Assert.That(score.PassAtK[2], Is.EqualTo(1.0));
        Assert.That(score.PerTask.Values.All(s => s[2] == 1.0), Is.True);

        var dir = Fixture.TempDirectory();
        var path = Path.Combine(dir, "submission.json");
        ArcSubmission.Write(path, voter.ToSubmission(tasks));
        var read = ArcSubmission.Read(path);
        Assert.That(read.Keys, Is.EquivalentTo(tasks.Select(t => t.Id)));
        Assert.That(read["27a28665"], Has.Count.EqualTo(3));
        var sub = ArcSubmission.Score(read, tasks);
        Assert.That(sub.Overall, Is.EqualTo(1.0));
        Directory.Delete(dir, true);
    }

    [Test]
    public void Ranked_VotesFirstThenMeanHaltProbability()
    {
        var voter = new ArcVoter();
        var a = new[] { new[] { 1 } };
        var b = new[] { new[] { 2 } };
        var c = new[] { new[] { 3 } };
        var id = ArcAugmentation.Identity;
        voter.Add(new ArcPrediction("t", 0, id, a, 0.1f));
        voter.Add(new ArcPrediction("t", 0, id, a, 0.3f));
        voter.Add(new ArcPrediction("t", 0, id, b, 0.9f));
        voter.Add(new ArcPrediction("t", 0, id, c, 0.95f));
        var ranked = voter.Ranked("t", 0);
        Assert.That(ranked.Select(x => x.Grid[0][0]), Is.EqualTo(new[] { 1, 3, 2 }));
        Assert.That(ranked[0].Votes, Is.EqualTo(2));
        Assert.That(ranked[0].MeanHaltProbability, Is.EqualTo(0.2f).Within(1e-6));

        var task = new ArcTask("t", new[] { new ArcPair(a, a) }, new[] { new ArcPair(a, b) });
        var score = voter.Score(new[] { task });
        Assert.That(score.PassAtK[1], Is.EqualTo(0.0));
        Assert.That(score.PassAtK[2], Is.EqualTo(0.0));
        Assert.That(voter.Score(new[] { task }, 3).PassAtK[3], Is.EqualTo(1.0));
    }

    [Test]
    public void Add_AugmentedPrediction_IsInvertedBeforePooling()
    {
        var voter = new ArcVoter();
        var truth = new[] { new[] { 1, 2, 0 }, new[] { 0, 0, 3 } };
        var aug = new ArcAugmentation(3, new[] { 0, 5, 6, 7, 1, 2, 3, 4, 8, 9 });
        voter.Add("t", 0, aug, ArcCodec.EncodeGrid(aug.Apply(truth)), 0.5f);
        voter.Add("t", 0, ArcAugmentation.Identity, ArcCodec.EncodeGrid(truth), 0.5f);
        Assert.That(voter.Ranked("t", 0), Has.Count.EqualTo(1));
        Assert.That(ArcTask.GridEquals(voter.Ranked("t", 0)[0].Grid, truth), Is.True);
        Assert.That(voter.VoteCount("t", 0), Is.EqualTo(2));
    }

    [Test]
    public void ScoreSubmission_HalfRightTask_ScoresHalf()
    {
        var one = new[] { new[] { 1 } };
        var two = new[] { new[] { 2 } };
        var task = new ArcTask("t", new[] { new ArcPair(one, one) }, new[] { new ArcPair(one, one), new ArcPair(two, two) });
        var other = new ArcTask("u", new[] { new ArcPair(one, one) }, new[] { new ArcPair(one, one) });
        var sub = new Dictionary<string, IReadOnlyList<ArcAttempts>> { ["t"] = new[] { new ArcAttempts(two, one), new ArcAttempts(one, one) } };
        var score = ArcSubmission.Score(sub, new[] { task, other });
        Assert.That(score.PerTask["t"], Is.EqualTo(0.5));
        Assert.That(score.PerTask["u"], Is.EqualTo(0.0));
        Assert.That(score.Overall, Is.EqualTo(0.25));
    }
}
