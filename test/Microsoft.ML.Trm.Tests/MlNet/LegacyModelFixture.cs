using Microsoft.ML.Trm.Tests.Trm;

namespace Microsoft.ML.Trm.Tests.MlNet;

/// <summary>
/// Fixtures/models/legacy-sudoku4.zip: a text-in, text-out model (EncodePuzzle ×2 → Trm → DecodePuzzle, hidden 16,
/// 2 supervision steps, 4 optimiser steps) saved by the code of commit 58a8e18, before the codec transformers were
/// merged into one stage; legacy-sudoku4.expected.txt holds its Transform output on <see cref="Puzzles"/>. The zip
/// must keep loading and giving the same answers (LegacyModelTests).
/// </summary>
public static class LegacyModelFixture
{
    public static readonly string[] Puzzles = { "1.3..4.1.1.4.3.2", "....3412........", "2143341243211234" };

    public static string ZipPath => Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "models", "legacy-sudoku4.zip");

    public static string ExpectedPath => Path.ChangeExtension(ZipPath, ".expected.txt");

    public static TrmOptions Options()
    {
        var o = TrmPresets.Create(TrmPresets.Tiny);
        (o.HiddenSize, o.NumHeads, o.Layers, o.OuterCycles, o.InnerCycles, o.MaxSupervisionSteps) = (16, 2, 1, 1, 2, 2);
        (o.BatchSize, o.MaxSteps, o.InferenceBatchSize, o.Seed) = (16, 4, 8, 7);
        return o;
    }

    /// <summary>Regenerates the fixture with the CURRENT code (run by hand only when the old format is deliberately retired).</summary>
    [Explicit("writes the fixture into the source tree"), Test]
    public static void Regenerate()
    {
        var ml = new MLContext(seed: 1);
        var data = TrmPipeline.Data(ml, 32, seed: 3);
        var model = TrmPipeline.Build(ml, Options()).Fit(data);
        var source = Path.Combine(TestContext.CurrentContext.TestDirectory, "..", "..", "..", "Fixtures", "models");
        ml.Model.Save(model, data.Schema, Path.Combine(source, "legacy-sudoku4.zip"));
        File.WriteAllLines(Path.Combine(source, "legacy-sudoku4.expected.txt"), TrmPipeline.Describe(ml, model, Puzzles));
    }
}
