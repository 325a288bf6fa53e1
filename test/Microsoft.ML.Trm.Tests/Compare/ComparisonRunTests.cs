using System.Diagnostics;
using Microsoft.ML.Trm.Comparison;
using Microsoft.ML.Trm.Data;

namespace Microsoft.ML.Trm.Tests.Compare;

/// <summary>
/// The runnable comparison (docs/comparisons.md). Explicit: run with
/// <c>TRM_COMPARE_OUT=docs dotnet test Microsoft.ML.Trm.sln -c Release --filter "FullyQualifiedName~ComparisonRunTests.PaperComparison"</c>.
/// Scale knobs (environment): TRM_COMPARE_FLOPS (per configuration), TRM_COMPARE_TRAIN, TRM_COMPARE_TEST, TRM_COMPARE_GIVENS,
/// TRM_COMPARE_HIDDEN, TRM_COMPARE_T, TRM_COMPARE_N, TRM_COMPARE_NSUP, TRM_COMPARE_ONLY (comma-separated names).
/// </summary>
public class ComparisonRunTests
{
    private static string Env(string name, string fallback) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : fallback;

    [Test, Explicit("Trains every configuration: minutes to tens of minutes on a CPU.")]
    public void PaperComparison()
    {
        double flops = double.Parse(Env("TRM_COMPARE_FLOPS", "2e12"), System.Globalization.CultureInfo.InvariantCulture);
        int trainCount = int.Parse(Env("TRM_COMPARE_TRAIN", "2000")), testCount = int.Parse(Env("TRM_COMPARE_TEST", "256"));
        int givens = int.Parse(Env("TRM_COMPARE_GIVENS", "45"));
        int hidden = int.Parse(Env("TRM_COMPARE_HIDDEN", "64")), t = int.Parse(Env("TRM_COMPARE_T", "3")), n = int.Parse(Env("TRM_COMPARE_N", "6"));
        int nsup = int.Parse(Env("TRM_COMPARE_NSUP", "8"));
        var only = Env("TRM_COMPARE_ONLY", "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        var clock = Stopwatch.StartNew();
        var options = new SudokuGeneratorOptions { Size = 9, TargetGivens = givens };
        var train = SudokuGenerator.Generate(options, seed: 1).Take(trainCount).ToList();
        var test = SudokuGenerator.Generate(options, seed: 2).Take(testCount).ToList();
        var trainSet = train.Select(e => e.Puzzle).ToHashSet();
        test = test.Where(e => !trainSet.Contains(e.Puzzle)).ToList();
        TestContext.Out.WriteLine($"data: {train.Count} train / {test.Count} test 9x9 puzzles, {givens} givens, mean rating {train.Average(e => e.Rating):F1} backtracks, {clock.Elapsed.TotalSeconds:F0} s");

        var configs = TrmComparison.PaperConfigurations(hidden, t, n, nsup).Where(c => only.Length == 0 || only.Contains(c.Name)).ToList();
        var results = TrmComparison.Run(configs, train, test, new TrmComparisonBudget(flops, BatchSize: 32), line => { TestContext.Out.WriteLine(line); TestContext.Progress.WriteLine(line); });
        var markdown = TrmComparison.ToMarkdown(results);
        TestContext.Out.WriteLine(markdown);
        TestContext.Out.WriteLine($"total wall time {clock.Elapsed.TotalMinutes:F1} min");
        if (Environment.GetEnvironmentVariable("TRM_COMPARE_OUT") is { Length: > 0 } dir)
        {
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, "comparison-results.md"), markdown + $"\nTotal wall time {clock.Elapsed.TotalMinutes:F1} min.\n");
            File.WriteAllText(Path.Combine(dir, "comparison-results.json"), TrmComparison.ToJson(results));
        }
        Assert.That(results, Has.Count.EqualTo(configs.Count));
    }
}
