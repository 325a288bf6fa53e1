using Microsoft.ML.Trm.Tests.Trm;

namespace Microsoft.ML.Trm.Tests.MlNet;

/// <summary>A model zip written by older code (<see cref="LegacyModelFixture"/>) still loads and answers the same.</summary>
public class LegacyModelTests
{
    [Test]
    public void Load_ZipSavedBeforeTheCodecMerge_GivesTheSavedAnswers()
    {
        var ml = new MLContext(seed: 1);
        var model = ml.Model.Load(LegacyModelFixture.ZipPath, out var schema);

        var lines = TrmPipeline.Describe(ml, model, LegacyModelFixture.Puzzles).ToList();

        Assert.That(schema.Select(c => c.Name), Is.EqualTo(new[] { "Puzzle", "Solution" }));
        Assert.That(lines, Is.EqualTo(File.ReadAllLines(LegacyModelFixture.ExpectedPath)));
    }
}
