using System.Text.Json;
using Microsoft.ML.Trm.Tests.Cli;

namespace Microsoft.ML.Trm.Tests.Compare;

/// <summary>
/// <c>trm compare</c> at a tiny scale (4×4 Sudoku, hidden 16, a few steps): argument errors name the option, a run
/// writes results.json, results.md and curves.png, and --resume skips finished runs and refuses other settings.
/// </summary>
[TestFixture]
public class CompareCommandTests
{
    private string _dir = "";

    private string P(string name) => Path.Combine(_dir, name);

    [OneTimeSetUp]
    public void GenerateData()
    {
        _dir = Path.Combine(Path.GetTempPath(), "trm-compare-tests-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_dir);
        Assert.That(CliTests.Run("generate", "sudoku", "--size", "4", "--count", "80", "--seed", "1", "--out", P("train.csv")).Code, Is.Zero);
        Assert.That(CliTests.Run("generate", "sudoku", "--size", "4", "--count", "24", "--seed", "2", "--out", P("valid.csv")).Code, Is.Zero);
        Assert.That(CliTests.Run("generate", "sudoku", "--size", "4", "--count", "24", "--seed", "3", "--out", P("other.csv")).Code, Is.Zero);
    }

    [OneTimeTearDown]
    public void RemoveData()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    // About 3 steps of the tiny TRM-MLP (hidden 16, 4×4 Sudoku, batch 64): 2.4E+09 estimated FLOPs per step.
    private string[] Compare(string configs, string outDir, params string[] extra) => new[]
    {
        "compare", "--data", P("train.csv"), "--valid", P("valid.csv"), "--configs", configs, "--hidden", "16", "--budget-flops", "8e9",
        "--seeds", "1", "--curve-points", "2", "--curve-sample", "8", "--out", P(outDir),
    }.Concat(extra).ToArray();

    [TestCase("--configs trm-mlp,bogus --budget-flops 1e9", "--configs")]
    [TestCase("--configs trm-mlp,trm-mlp --budget-flops 1e9", "--configs")]
    [TestCase("--budget-flops 1e9 --budget-minutes 1", "--budget-minutes")]
    [TestCase("", "--budget-flops")]
    [TestCase("--budget-flops 1e9 --task maze", "--task")]
    [TestCase("--budget-flops 1e9 --seeds 0", "--seeds")]
    public void ArgumentErrorsNameTheOption(string args, string option)
    {
        var (code, _, err) = CliTests.Run(new[] { "compare", "--data", P("train.csv"), "--valid", P("valid.csv"), "--out", P("never") }
            .Concat(args.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToArray());
        Assert.That(code, Is.EqualTo(2), err);
        Assert.That(err, Does.Contain(option));
        Assert.That(Directory.Exists(P("never")), Is.False, "nothing is written on a usage error");
    }

    [TestCase("--data")]
    [TestCase("--valid")]
    public void MissingFileNamesTheOption(string option)
    {
        var args = new List<string> { "compare", "--data", P("train.csv"), "--valid", P("valid.csv"), "--budget-flops", "1e9", "--out", P("never") };
        args[args.IndexOf(option) + 1] = P("missing.csv");
        var (code, _, err) = CliTests.Run(args.ToArray());
        Assert.That(code, Is.EqualTo(2));
        Assert.That(err, Does.Contain(option).And.Contain("missing.csv"));
    }

    [Test]
    public void TwoConfigurationRun_WritesTheThreeFiles()
    {
        var (code, output, err) = CliTests.Run(Compare("trm-mlp,direct", "two"));
        Assert.That(code, Is.Zero, output + err);
        Assert.That(output, Does.Contain("[1/2] trm-mlp seed 0").And.Contain("[2/2] direct seed 0").And.Contain("blank cells"));

        using var json = JsonDocument.Parse(File.ReadAllText(P("two/results.json")));
        var runs = json.RootElement.GetProperty("runs").EnumerateArray().ToList();
        Assert.That(runs.Select(r => r.GetProperty("config").GetString()), Is.EqualTo(new[] { "trm-mlp", "direct" }));
        foreach (var run in runs)
        {
            Assert.That(run.GetProperty("steps").GetInt64(), Is.GreaterThanOrEqualTo(1));
            Assert.That(run.GetProperty("trainingFlops").GetDouble(), Is.LessThanOrEqualTo(8e9));
            Assert.That(run.GetProperty("blankCellAccuracy").GetDouble(), Is.InRange(0.0, 1.0));
            Assert.That(run.GetProperty("exactAccuracy").GetDouble(), Is.InRange(0.0, 1.0));
            var curve = run.GetProperty("curve").EnumerateArray().ToList();
            Assert.That(curve[^1].GetProperty("puzzles").GetInt32(), Is.EqualTo(24), "the final point uses the whole held-out set");
        }
        var mlpCurve = runs[0].GetProperty("curve").EnumerateArray().ToList();
        Assert.That(mlpCurve, Has.Count.EqualTo(2), "one intermediate point on the curve sample, then the final one");
        Assert.That(mlpCurve[0].GetProperty("puzzles").GetInt32(), Is.EqualTo(8));
        Assert.That(json.RootElement.GetProperty("settings").GetProperty("heldOutPuzzles").GetInt32(), Is.EqualTo(24));

        var markdown = File.ReadAllText(P("two/results.md"));
        Assert.That(markdown, Does.Contain("| Configuration | Paper (Sudoku-Extreme) | Exact | Token | Blank-cell |"));
        Assert.That(markdown, Does.Contain("| TRM-MLP | 87.4% |").And.Contain("| Direct (params ≈ HRM) | 0.0% |"));

        var png = File.ReadAllBytes(P("two/curves.png"));
        Assert.That(png.Take(4), Is.EqualTo(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }));
        Assert.That(Directory.GetFiles(P("two")).Select(Path.GetFileName), Is.EquivalentTo(new[] { "results.json", "results.md", "curves.png" }), "no temporary files left");
    }

    [Test]
    public void Resume_SkipsFinishedRuns_AndRefusesOtherSettings()
    {
        Assert.That(CliTests.Run(Compare("trm-mlp", "resume")).Code, Is.Zero);
        string first = RunOf("resume", "trm-mlp");

        var (again, _, refused) = CliTests.Run(Compare("trm-mlp,no-ema", "resume"));
        Assert.That(again, Is.EqualTo(2), "without --resume finished results are not overwritten");
        Assert.That(refused, Does.Contain("--resume"));

        var (code, output, err) = CliTests.Run(Compare("trm-mlp,no-ema", "resume", "--resume"));
        Assert.That(code, Is.Zero, output + err);
        Assert.That(output, Does.Contain("1 finished, 1 to run").And.Not.Contain("trm-mlp seed 0:"));
        Assert.That(RunOf("resume", "trm-mlp"), Is.EqualTo(first), "the finished run is kept as it was");
        Assert.That(RunOf("resume", "no-ema"), Is.Not.Empty);

        var hidden = Compare("trm-mlp", "resume", "--resume");
        hidden[Array.IndexOf(hidden, "--hidden") + 1] = "32";
        var (c1, _, e1) = CliTests.Run(hidden);
        Assert.That(c1, Is.EqualTo(2));
        Assert.That(e1, Does.Contain("--hidden 16").And.Contain("--hidden 32"));

        var data = Compare("trm-mlp", "resume", "--resume");
        data[Array.IndexOf(data, "--valid") + 1] = P("other.csv");
        var (c2, _, e2) = CliTests.Run(data);
        Assert.That(c2, Is.EqualTo(2));
        Assert.That(e2, Does.Contain("--valid").And.Contain("other.csv"));
    }

    private string RunOf(string outDir, string config)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(P(outDir + "/results.json")));
        return json.RootElement.GetProperty("runs").EnumerateArray().Where(r => r.GetProperty("config").GetString() == config)
            .Select(r => r.GetRawText()).SingleOrDefault() ?? "";
    }
}
