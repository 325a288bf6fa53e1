using System.Diagnostics;
using Microsoft.ML.Trm.Data;
using Microsoft.ML.Trm.Tests.Trm;

namespace Microsoft.ML.Trm.Tests.Onnx;

/// <summary>
/// The deployment path end to end: 'trm export onnx' on a model zip of a trained tiny model, then the sample app
/// samples/OnnxSudoku (ML.NET + ONNX Runtime only) solving puzzles with the exported file in a separate process.
/// </summary>
public class OnnxDeploymentTests
{
    private string _dir = "";
    private TrmTransformer _trm = null!;
    private string _zip = "";

    [OneTimeSetUp]
    public void TrainAndSave()
    {
        Directory.CreateDirectory(_dir = Path.Combine(Path.GetTempPath(), "trm-onnx-deploy-" + Guid.NewGuid().ToString("N")));
        var (model, trm) = OnnxExportTests.TrainTiny(TrmMixer.MlpT, OnnxExportTests.TrainingSteps);
        _trm = trm;
        var ml = new MLContext(seed: 0);
        ml.Model.Save(model, TrmPipeline.Data(ml, 1, 1).Schema, _zip = Path.Combine(_dir, "tiny.zip"));
    }

    [OneTimeTearDown]
    public void TearDown() { try { Directory.Delete(_dir, true); } catch (IOException) { } }

    private string Export(string name, params string[] extra)
    {
        var path = Path.Combine(_dir, name);
        var (code, stdout, stderr) = Cli.CliTests.Run(new[] { "export", "onnx", "--model", _zip, "--out", path }.Concat(extra).ToArray());
        Assert.That(code, Is.EqualTo(0), stderr);
        Assert.That(stdout, Does.Contain("wrote " + path).And.Contain("task sudoku (sudoku:4)"));
        return path;
    }

    [Test]
    public void ExportCommand_WritesGraphThatMatchesTheModel()
    {
        var path = Export("cli.onnx", "--steps", "2", "--no-step-tokens");
        var codec = new SudokuCodec(4);
        var puzzles = TinySudoku.Generate(32, seed: 4).Select(r => codec.Encode(r.Puzzle)).ToList();
        var expected = _trm.Predict(puzzles, recordSteps: true);
        var actual = OnnxRun.Run(path, puzzles);
        Assert.That(actual.StepTokens, Is.Null);
        Assert.That(OnnxRun.Agreement(expected.Select(e => e.StepTokens![1]).ToList(), actual.Tokens), Is.GreaterThanOrEqualTo(0.999));
        Assert.That(actual.Confidence, Is.EqualTo(expected.Select(e => e.StepConfidences![1]).ToArray()).Within(1e-4f));
    }

    [Test]
    public void ExportCommand_BadArguments_AreUsageErrors()
    {
        Assert.That(Cli.CliTests.Run("export", "onnx", "--model", _zip).Err, Does.Contain("--out"));
        Assert.That(Cli.CliTests.Run("export", "onnx", "--model", _zip, "--out", Path.Combine(_dir, "x.onnx"), "--opset", "9").Code, Is.EqualTo(2));
        Assert.That(Cli.CliTests.Run("export", "onnx", "--model", Path.Combine(_dir, "missing.zip"), "--out", Path.Combine(_dir, "x.onnx")).Err, Does.Contain("not found"));
    }

    [Test]
    public void Sample_SolvesWithOnnxRuntimeOnly_AndHasNoTorchDependency()
    {
        var path = Export("sample.onnx");
        var codec = new SudokuCodec(4);
        var puzzles = TinySudoku.Generate(20, seed: 12).Select(r => r.Puzzle).ToList();
        var file = Path.Combine(_dir, "puzzles.txt");
        File.WriteAllLines(file, puzzles);

        // The sample is referenced by this test project, so OnnxSudoku.dll and its deps.json sit beside the tests.
        var deps = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "OnnxSudoku.deps.json"));
        Assert.That(deps, Does.Contain("Microsoft.ML.OnnxRuntime").And.Contain("Microsoft.ML.OnnxTransformer"));
        Assert.That(deps, Does.Not.Contain("TorchSharp").IgnoreCase.And.Not.Contain("libtorch").IgnoreCase.And.Not.Contain("Microsoft.ML.Trm"));

        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "OnnxSudoku.dll"), path, "--file", file }) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.That(process.WaitForExit(TimeSpan.FromMinutes(2)), Is.True, "the sample did not finish in 2 minutes");
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.EqualTo(0), stderr.Result);

        var expected = _trm.Predict(puzzles.Select(codec.Encode).ToList()).Select(s => codec.Decode(s.Tokens)).ToList();
        var lines = stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        Assert.That(lines, Has.Count.EqualTo(21));
        Assert.That(lines.Take(20).Select(l => l.Split(' ')[2]), Is.EqualTo(expected));
        int solved = expected.Count(TinySudoku.IsValidSolution);
        Assert.That(lines[^1], Is.EqualTo($"solved {solved}/20"));
        Assert.That(solved, Is.GreaterThanOrEqualTo(15), "the trained tiny model solves most 4×4 puzzles (20/20 when measured)");
        TestContext.Out.WriteLine(stdout.Result);
    }

    private static string DotnetHost() => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host
        : Environment.ProcessPath is { } current && Path.GetFileNameWithoutExtension(current) == "dotnet" ? current : "dotnet";
}
