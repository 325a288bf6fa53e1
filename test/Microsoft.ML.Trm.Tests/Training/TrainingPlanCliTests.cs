using System.Text.Json;
using Microsoft.ML.Trm.Tests.Cli;

namespace Microsoft.ML.Trm.Tests.Training;

/// <summary><c>trm train --dry-run</c>: the plan without training.</summary>
public class TrainingPlanCliTests
{
    [Test]
    public void DryRun_PrintsThePlan_AsTextAndJson_WithoutTraining()
    {
        string dir = Path.Combine(Path.GetTempPath(), "trm-plan-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            string csv = Path.Combine(dir, "train.csv"), model = Path.Combine(dir, "m.zip");
            Assert.That(CliTests.Run("generate", "sudoku", "--size", "4", "--count", "200", "--seed", "1", "--out", csv).Code, Is.EqualTo(0));
            var (code, output, err) = CliTests.Run("train", "--data", csv, "--preset", "sudoku-mlp", "--out", model, "--dry-run", "--json");
            Assert.That(code, Is.EqualTo(0), err);
            using var json = JsonDocument.Parse(output);
            var root = json.RootElement;
            Assert.That(root.GetProperty("task").GetString(), Is.EqualTo("sudoku"));
            Assert.That(root.GetProperty("groups").GetInt64(), Is.EqualTo(200));
            Assert.That(root.GetProperty("examples_per_epoch").GetDouble(), Is.EqualTo(200));
            Assert.That(root.GetProperty("augmentation").GetString(), Is.EqualTo("Sudoku"));
            Assert.That(root.GetProperty("batch_size").GetInt32(), Is.EqualTo(200), "batch 768 clamped to the 200 rows");
            Assert.That(root.GetProperty("epochs").GetInt32(), Is.EqualTo(50_000));
            Assert.That(root.GetProperty("total_steps").GetInt64(), Is.EqualTo(50_000));
            Assert.That(root.GetProperty("flops_per_step").GetDouble(), Is.GreaterThan(0));
            Assert.That(File.Exists(model), Is.False, "a dry run trains nothing");

            var text = CliTests.Run("train", "--data", csv, "--preset", "sudoku-mlp", "--set", "BatchSize=64", "--out", model, "--dry-run");
            Assert.That(text.Code, Is.EqualTo(0), text.Err);
            Assert.That(text.Out, Does.Contain("total steps             156,250").And.Contain("augmentation            Sudoku (1,001 members"));
            Assert.That(text.Out, Does.Contain("every 10 minutes"));
        }
        finally
        {
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    }
}
