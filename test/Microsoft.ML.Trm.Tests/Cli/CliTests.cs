using System.IO.Compression;
using System.Text.Json;
using Microsoft.ML.Trm.Cli;
using Microsoft.ML.Trm.Data;

namespace Microsoft.ML.Trm.Tests.Cli;

/// <summary>The trm tool, run in-process through <see cref="Microsoft.ML.Trm.Cli.Cli.Run"/>.</summary>
[TestFixture]
public class CliTests
{
    private string _dir = "";

    // A small model that trains in seconds on 4×4 Sudoku.
    private static readonly string[] Small =
    {
        "--set", "HiddenSize=32", "--set", "NumHeads=2", "--set", "BatchSize=32", "--set", "LogEverySteps=5", "--set", "InferenceBatchSize=32",
    };

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "trm-cli-tests-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    internal static (int Code, string Out, string Err) Run(params string[] args) => Run(default, args);

    internal static (int Code, string Out, string Err) Run(CancellationToken cancel, params string[] args)
    {
        var stdout = new StringWriter(); var stderr = new StringWriter();
        int code = Microsoft.ML.Trm.Cli.Cli.Run(args, stdout, stderr, cancel);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private string P(string name) => Path.Combine(_dir, name);

    [Test]
    public void UnknownOptionIsAUsageError()
    {
        var (code, _, err) = Run("train", "--bogus", "1");
        Assert.That(code, Is.EqualTo(2));
        Assert.That(err, Does.Contain("Unrecognized command or argument '--bogus'").And.Contain("trm train --help"));
        Assert.That(err.Trim().Split('\n'), Has.Length.EqualTo(1), "one line, no stack trace");
    }

    [TestCase("frobnicate", "Unrecognized command or argument 'frobnicate'")]
    [TestCase("generate", "needs a kind")]
    [TestCase("eval", "Option '--model' is required")]
    [TestCase("arc", "did you mean 'trm arc score'")]
    public void UsageErrorsExitWithTwo(string command, string message)
    {
        var (code, _, err) = Run(command);
        Assert.That(code, Is.EqualTo(2));
        Assert.That(err, Does.Contain(message));
    }

    [Test]
    public void BadOptionValuesAreUsageErrors()
    {
        Assert.That(Run("generate", "sudoku", "--count", "x", "--out", P("a.csv")).Code, Is.EqualTo(2));
        Assert.That(Run("generate", "sudoku", "--count", "3", "--size", "5", "--out", P("a.csv")).Err, Does.Contain("must be 4 or 9"));
        var (code, _, err) = Run("train", "--set", "NoSuchOption=1");
        Assert.That(code, Is.EqualTo(2));
        Assert.That(err, Does.Contain("unknown option 'NoSuchOption'"));
        Assert.That(Run("train", "--set", "HiddenSize=abc").Err, Does.Contain("expected an integer"));
        Assert.That(Run("train", "--set", "LearningRate=-1").Code, Is.EqualTo(2), "Validate() failures are usage errors");
        Assert.That(Run("train", "--device", "tpu").Err, Does.Contain("unknown device"));
        Assert.That(Run("train", "--max-steps", "0").Err, Does.Contain("'--max-steps' must be at least 1"));
        Assert.That(Run("train", "--max-steps", "many").Code, Is.EqualTo(2));
    }

    [Test]
    public void SetConvertsTypesCaseInsensitively()
    {
        var o = TrmPresets.Create(TrmPresets.Tiny);
        OptionSetter.Apply(o, "hiddensize=48");
        OptionSetter.Apply(o, "LEARNINGRATE=2e-3");
        OptionSetter.Apply(o, "mixer=mlpt");
        OptionSetter.Apply(o, "UseEma=false");
        OptionSetter.Apply(o, "MaxSteps=7");
        OptionSetter.Apply(o, "PuzzleEmbeddingDim=null");
        Assert.That(o.HiddenSize, Is.EqualTo(48));
        Assert.That(o.LearningRate, Is.EqualTo(2e-3));
        Assert.That(o.Mixer, Is.EqualTo(TrmMixer.MlpT));
        Assert.That(o.UseEma, Is.False);
        Assert.That(o.MaxSteps, Is.EqualTo(7));
        Assert.That(o.PuzzleEmbeddingDim, Is.Null);
        Assert.Throws<UsageException>(() => OptionSetter.Apply(o, "Mixer=transformer"));
        Assert.Throws<UsageException>(() => OptionSetter.Apply(o, "UseEma=maybe"));
        Assert.Throws<UsageException>(() => OptionSetter.Apply(o, "HiddenSize"));
    }

    [TestCase("presets")]
    [TestCase("generate", "sudoku")]
    [TestCase("generate", "maze")]
    [TestCase("generate", "arc")]
    [TestCase("train")]
    [TestCase("eval")]
    [TestCase("solve")]
    [TestCase("arc", "score")]
    [TestCase("serve")]
    [TestCase("info")]
    public void EveryCommandHasHelp(params string[] command)
    {
        var (code, output, _) = Run(command.Append("--help").ToArray());
        Assert.That(code, Is.EqualTo(0));
        Assert.That(output, Does.Contain("Usage:" + Environment.NewLine + "  trm " + string.Join(' ', command)));
        Assert.That(output, Does.Contain("--help").And.Contain("--verbose"));
    }

    [Test]
    public void HelpShowsDefaults()
    {
        var output = Run("train", "--help").Out;
        Assert.That(output, Does.Contain("--preset <NAME>").And.Contain("[default: tiny]"));
        Assert.That(output, Does.Contain("--checkpoint-every <N>").And.Contain("[default: every 10 minutes]"));
        Assert.That(output, Does.Contain("[default: trm-<task>.zip]"));
        Assert.That(output, Does.Contain("--device <DEVICE>").And.Contain("--threads <N>"));
        Assert.That(Run("generate", "sudoku", "--help").Out, Does.Contain("[default: 9]"));
        var main = Run();
        Assert.That(main.Code, Is.EqualTo(2), "no command: help and the usage exit code");
        Assert.That(main.Out, Does.Contain("train").And.Contain("serve").And.Contain("info"));
    }

    [Test]
    public void TabCompletionSuggestsCommandsOptionsAndValues()
    {
        Assert.That(Run("[suggest:2]", "tr").Out, Does.Contain("train"));
        Assert.That(Run("[suggest:9]", "train --p").Out, Does.Contain("--preset"));
        Assert.That(Run("[suggest:17]", "train --preset su").Out, Does.Contain(TrmPresets.SudokuMlp).And.Contain(TrmPresets.SudokuAtt));
    }

    [Test]
    public void VersionAndInfo()
    {
        var version = Run("--version");
        Assert.That(version.Code, Is.EqualTo(0));
        Assert.That(version.Out.Trim(), Does.StartWith(typeof(TrmTransformer).Assembly.GetName().Version!.ToString(3)));
        var (code, output, err) = Run("info", "--json");
        Assert.That(code, Is.EqualTo(0), err);
        using var json = JsonDocument.Parse(output);
        var info = json.RootElement;
        Assert.That(info.GetProperty("TorchSharp").GetString(), Does.StartWith("0.107"));
        Assert.That(info.GetProperty("ML.NET").GetString(), Does.Match(@"^\d+\.\d+\.\d+"));
        Assert.That(info.GetProperty("backend").GetString(), Does.Contain("libtorch-cpu"));
        Assert.That(info.GetProperty("CUDA").GetString(), Does.StartWith("available").Or.StartWith("not available"));
        if (OperatingSystem.IsLinux())
        {
            // The GLIBCXX fix marks the versions that this machine's libstdc++ lacks as weak; where none is missing, nothing is needed.
            Assert.That(info.GetProperty("GLIBCXX fix").GetString(), Does.StartWith("applied").Or.StartWith("not needed"));
            Assert.That(info.GetProperty("libLibTorchSharp").GetString(), Does.EndWith("libLibTorchSharp.so"));
        }
        Assert.That(Run("info").Out, Does.Contain("GLIBCXX fix:").And.Contain("threads:"));
    }

    [Test]
    public void PresetsListsEveryPresetWithItsParameterCount()
    {
        var (code, output, _) = Run("presets");
        Assert.That(code, Is.EqualTo(0));
        foreach (var name in TrmPresets.Names) Assert.That(output, Does.Contain(name));
        var o = TrmPresets.Create(TrmPresets.SudokuMlp);
        Assert.That(output, Does.Contain(o.CountParameters(11, 81).ToString("N0", System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Test]
    public void MissingFilesAreOneLineFailures()
    {
        var (code, _, err) = Run("train", "--data", P("missing.csv"), "--out", P("m.zip"));
        Assert.That(code, Is.EqualTo(1));
        Assert.That(err, Does.Contain("missing.csv: file not found"));
        Assert.That(err, Does.Not.Contain("   at "));
        File.WriteAllText(P("bad.csv"), "source,question,answer,rating\nx,1234,1234,0\n");
        (code, _, err) = Run("train", "--data", P("bad.csv"), "--out", P("m.zip"));
        Assert.That(code, Is.EqualTo(1));
        Assert.That(err, Does.Contain("bad.csv").And.Contain("line 2"));
    }

    [Test]
    public void GenerateTrainEvalSolve()
    {
        Assert.That(Run("generate", "sudoku", "--size", "4", "--count", "200", "--seed", "1", "--out", P("train.csv")).Code, Is.EqualTo(0));
        Assert.That(Run("generate", "sudoku", "--size", "4", "--count", "40", "--seed", "2", "--out", P("valid.csv")).Code, Is.EqualTo(0));
        Assert.That(SudokuFile.ReadCsv(P("train.csv")).Count(), Is.EqualTo(200));

        var train = Run(new[] { "train", "--data", P("train.csv"), "--valid", P("valid.csv"), "--max-steps", "10", "--out", P("m.zip"), "--emit-code", P("code") }.Concat(Small).ToArray());
        Assert.That(train.Code, Is.EqualTo(0), train.Err);
        Assert.That(train.Out, Does.Contain("held-out (40 puzzles): exact"));
        Assert.That(train.Out, Does.Not.Contain("evaluating "), "the held-out set is evaluated once, inside training (no second pass over the saved zip)");
        var validLine = train.Out.Split('\n').Last(l => l.Contains("| valid exact", StringComparison.Ordinal));
        var heldOut = train.Out.Split('\n').Single(l => l.StartsWith("held-out", StringComparison.Ordinal));
        Assert.That(heldOut, Does.Contain("exact " + System.Text.RegularExpressions.Regex.Match(validLine, @"valid exact (\S+)").Groups[1].Value), "the report is the last step's evaluation");
        Assert.That(File.Exists(P("code/M.consumption.cs")) && File.Exists(P("code/M.training.cs")), train.Out);
        Assert.That(File.Exists(P("m.zip")));
        Assert.That(File.ReadAllLines(P("m.zip.metrics.csv"))[0], Is.EqualTo(TrainingLog.Header));
        Assert.That(File.ReadAllBytes(P("m.zip.metrics.png"))[..4], Is.EqualTo(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }));
        Assert.That(Directory.GetFiles(_dir, "*.tmp"), Is.Empty, "no temporary files left");

        var eval = Run("eval", "--model", P("m.zip"), "--data", P("valid.csv"), "--json");
        Assert.That(eval.Code, Is.EqualTo(0), eval.Err);
        using var json = JsonDocument.Parse(eval.Out);
        var root = json.RootElement;
        Assert.That(root.GetProperty("count").GetInt64(), Is.EqualTo(40));
        foreach (var field in new[] { "exact_accuracy", "token_accuracy", "halt_accuracy" })
            Assert.That(root.GetProperty(field).GetDouble(), Is.InRange(0.0, 1.0), field);
        Assert.That(root.GetProperty("mean_steps").GetDouble(), Is.InRange(1.0, 4.0));
        Assert.That(eval.Out.Trim().Split('\n'), Has.Length.EqualTo(1), "one JSON object, nothing else on stdout");

        var text = Run("eval", "--model", P("m.zip"), "--data", P("valid.csv"));
        Assert.That(text.Out, Does.Contain("exact accuracy"));

        var solve = Run("solve", "--model", P("m.zip"), "143...1..32.2..3");
        Assert.That(solve.Code, Is.EqualTo(0), solve.Err);
        Assert.That(solve.Out, Does.Contain("[1]").And.Contain("valid: "));
        var contradiction = Run("solve", "--model", P("m.zip"), "11..............");
        Assert.That(contradiction.Code, Is.EqualTo(1));
        Assert.That(contradiction.Err.Split('\n')[0], Does.Contain("row 1, column 2").And.Contain("row 1, column 1").And.Contain("digit 1"));
        Assert.That(contradiction.Out, Is.Empty, "no answer is printed for a contradictory puzzle");
        Assert.That(Run("solve", "--model", P("m.zip"), "1...............", "--file", P("valid.csv")).Code, Is.EqualTo(2));
        var solveFile = Run("solve", "--model", P("m.zip"), "--file", P("valid.csv"), "--limit", "3");
        Assert.That(solveFile.Code, Is.EqualTo(0), solveFile.Err);
        Assert.That(solveFile.Out, Does.Contain("answers valid"));

        // A plain ML.NET program loads the zip and solves from text: input schema is just Puzzle.
        var ml = new MLContext();
        var model = ml.Model.Load(P("m.zip"), out var schema);
        Assert.That(schema.Select(c => c.Name), Is.EqualTo(new[] { "Puzzle" }));
        var engine = ml.Model.CreatePredictionEngine<ModelFile.PuzzleInput, ModelFile.PuzzleOutput>(model);
        var answer = engine.Predict(new ModelFile.PuzzleInput { Puzzle = "143...1..32.2..3" });
        Assert.That(answer.PredictedSolution, Has.Length.EqualTo(16));

        // The emitted consumption code compiles and predicts what the engine predicts; the training code compiles and retrains.
        var generated = EmittedCode.Compile(P("code/M.consumption.cs"), P("code/M.training.cs"));
        var type = generated.GetType("M")!;
        Assert.That(type.GetProperty("MLNetModelPath")!.GetValue(null), Is.EqualTo(P("m.zip")));
        object output = type.GetMethod("Predict", new[] { typeof(string) })!.Invoke(null, new object[] { "143...1..32.2..3" })!;
        Assert.That(output.GetType().GetProperty("PredictedSolution")!.GetValue(output), Is.EqualTo(answer.PredictedSolution));
        var options = (TrmOptions)type.GetMethod("CreateOptions")!.Invoke(null, null)!;
        Assert.That((options.HiddenSize, options.NumHeads, options.MaxSteps), Is.EqualTo((32, 2, (long?)10)));
        type.GetMethod("Train")!.Invoke(null, new object[] { P("retrained.zip"), P("train.csv") });
        var retrained = ml.Model.CreatePredictionEngine<ModelFile.PuzzleInput, ModelFile.PuzzleOutput>(ml.Model.Load(P("retrained.zip"), out _));
        Assert.That(retrained.Predict(new ModelFile.PuzzleInput { Puzzle = "143...1..32.2..3" }).PredictedSolution, Has.Length.EqualTo(16));
    }

    [Test]
    public void InterruptedRunResumesToTheSameWeights()
    {
        Assert.That(Run("generate", "sudoku", "--size", "4", "--count", "128", "--seed", "3", "--out", P("train.csv")).Code, Is.EqualTo(0));
        string[] Args(string output, params string[] extra) =>
            new[] { "train", "--data", P("train.csv"), "--max-steps", "20", "--checkpoint-every", "5", "--out", P(output) }.Concat(Small).Concat(extra).ToArray();

        var straight = Run(Args("straight.zip"));
        Assert.That(straight.Code, Is.EqualTo(0), straight.Err);

        // Interrupt as Ctrl+C would, right after step 10 is reported; the library checkpoints and the tool exits with 130.
        using var cts = new CancellationTokenSource();
        var stdout = new CancelOnText("step 10/", cts);
        int code = Microsoft.ML.Trm.Cli.Cli.Run(Args("resumed.zip"), stdout, new StringWriter(), cts.Token);
        Assert.That(code, Is.EqualTo(130));
        Assert.That(File.Exists(P("resumed.zip")), Is.False, "an interrupted run writes no model");
        Assert.That(Directory.GetFiles(P("resumed.zip.checkpoints")), Is.Not.Empty);

        var resumed = Run(Args("resumed.zip", "--resume"));
        Assert.That(resumed.Code, Is.EqualTo(0), resumed.Err);
        Assert.That(WeightsEntry(P("resumed.zip")), Is.EqualTo(WeightsEntry(P("straight.zip"))), "same weights, byte for byte");
        var steps = File.ReadAllLines(P("resumed.zip.metrics.csv")).Skip(1).Select(l => long.Parse(l.Split(',')[0])).ToList();
        Assert.That(steps, Is.EqualTo(new long[] { 5, 10, 15, 20 }), "the curve continues across the interruption");
    }

    private static byte[] WeightsEntry(string zip)
    {
        using var archive = ZipFile.OpenRead(zip);
        var entry = archive.Entries.Single(e => e.FullName.EndsWith("TrmModel.bin", StringComparison.Ordinal));
        using var s = entry.Open();
        using var ms = new MemoryStream();
        s.CopyTo(ms);
        return ms.ToArray();
    }

    /// <summary>A stdout that cancels a token when a given text is written (a deterministic Ctrl+C).</summary>
    private sealed class CancelOnText(string text, CancellationTokenSource cts) : StringWriter
    {
        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            if (value is not null && value.Contains(text, StringComparison.Ordinal)) cts.Cancel();
        }
    }
}

/// <summary>ARC commands that need no model.</summary>
[TestFixture]
public class CliArcTests
{
    private static string Fixtures => Path.Combine(AppContext.BaseDirectory, "Fixtures", "arc");

    [Test]
    public void ArcScoreOfThePerfectSubmissionIs100Percent()
    {
        string dir = Path.Combine(Path.GetTempPath(), "trm-cli-arc-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            var tasks = ArcFile.ReadFolder(Fixtures).ToList();
            var perfect = tasks.ToDictionary(t => t.Id, t => (IReadOnlyList<ArcAttempts>)t.Test.Select(p => new ArcAttempts(p.Output!, p.Output!)).ToList());
            perfect[tasks[0].Id] = tasks[0].Test.Select(p => new ArcAttempts(p.Input, p.Input)).ToList();
            string submission = Path.Combine(dir, "submission.json");
            ArcSubmission.Write(submission, perfect);
            var (code, output, err) = CliTests.Run("arc", "score", "--tasks", Fixtures, "--submission", submission);
            Assert.That(code, Is.EqualTo(0), err);
            double expected = 100.0 * (tasks.Count - 1) / tasks.Count;
            Assert.That(output, Does.Contain($"overall pass@2: {expected.ToString("F1", System.Globalization.CultureInfo.InvariantCulture)}%"));
            Assert.That(output, Does.Contain(tasks[0].Id + "    0.0%").Or.Contain(tasks[0].Id + "  " + "0.0%".PadLeft(6)));

            var generate = CliTests.Run("generate", "arc", "--tasks", Fixtures, "--out", Path.Combine(dir, "data"), "--augmentations", "1");
            Assert.That(generate.Code, Is.EqualTo(0), generate.Err);
            Assert.That(File.ReadLines(Path.Combine(dir, "data", "train.csv")).First(), Is.EqualTo(Tasks.ArcCsvHeader));
            Assert.That(Directory.GetFiles(Path.Combine(dir, "data", "tasks"), "*.json"), Has.Length.EqualTo(tasks.Count));
            var loaded = Tasks.Load("arc", Path.Combine(dir, "data"), ArcSplit.Test);
            Assert.That(loaded.Examples.All(e => e.PuzzleTokens!.Length == 900 && e.Name is not null), Is.True);
            Assert.That(loaded.ArcTasks, Has.Count.EqualTo(tasks.Count));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}

/// <summary>The training-curve chart (ScottPlot) and the metrics log.</summary>
[TestFixture]
public class CliChartTests
{
    [Test]
    public void ChartIsAPngWithCurvesAndText()
    {
        var rows = Enumerable.Range(1, 10).Select(i => new MetricsRow(i * 10, i, 1.0 / (i * i), 1e-3, 100, i / 10.0, 0.5, i % 2 == 0 ? i / 12.0 : double.NaN, 0.5, 0.5, 4)).ToList();
        byte[] png = TrainingLog.Plot(rows, "test.zip");
        Assert.That(png[..8], Is.EqualTo(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }));
        using var bitmap = SkiaSharp.SKBitmap.Decode(png);
        Assert.That((bitmap.Width, bitmap.Height), Is.EqualTo((TrainingLog.ChartWidth, TrainingLog.ChartHeight)));
        var pixels = bitmap.Pixels;
        double inked = pixels.Count(p => p.Red < 200 || p.Green < 200 || p.Blue < 200) / (double)pixels.Length;
        Assert.That(inked, Is.InRange(0.01, 0.5), "axes, curves and labels drawn on a white background");
        Assert.That(pixels.Select(p => (uint)p).Distinct().Count(), Is.GreaterThan(20), "several colours (series, anti-aliased text)");
        // Both panels are drawn: each half holds dark pixels (text and axes).
        Assert.That(pixels.Where((p, i) => i % bitmap.Width < bitmap.Width / 2 && p.Red < 100).Count(), Is.GreaterThan(500));
        Assert.That(pixels.Where((p, i) => i % bitmap.Width >= bitmap.Width / 2 && p.Red < 100).Count(), Is.GreaterThan(500));
    }

    [Test]
    public void MetricsCsvRoundTrips()
    {
        string path = Path.Combine(Path.GetTempPath(), "trm-metrics-" + Guid.NewGuid().ToString("N")[..8] + ".csv");
        try
        {
            var rows = new List<MetricsRow> { new(5, 1.5, 0.9, 1e-3, 120, 0.1, 0.6, double.NaN, double.NaN, double.NaN, double.NaN), new(10, 3, 0.8, 1e-3, 130, 0.2, 0.7, 0.15, 0.65, 0.9, 4) };
            TrainingLog.WriteCsv(path, rows);
            Assert.That(File.ReadAllLines(path)[1], Is.EqualTo("5,1.5,0.9,0.001,120,0.1,0.6,,,,"));
            Assert.That(TrainingLog.ReadCsv(path).Select(r => r.Step), Is.EqualTo(new long[] { 5, 10 }));
        }
        finally { File.Delete(path); }
    }
}
