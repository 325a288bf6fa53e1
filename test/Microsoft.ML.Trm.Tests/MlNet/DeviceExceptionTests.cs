using Microsoft.ML.Runtime;
using Microsoft.ML.Trm.Tests.Trm;
using static TorchSharp.torch;

namespace Microsoft.ML.Trm.Tests.MlNet;

/// <summary>
/// Exceptions users can catch: a CUDA device that is not there, with <c>FallbackToCpu = false</c>, surfaces as the
/// documented <see cref="InvalidOperationException"/> itself (never inside a TargetInvocationException) from Fit, and
/// from the first use of a model loaded with <c>Model.Load</c>; with <c>FallbackToCpu = true</c> the fallback is a
/// warning on <c>mlContext.Log</c>. Runs where CUDA is not available (CI).
/// </summary>
public class DeviceExceptionTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp()
    {
        Assume.That(cuda.is_available(), Is.False, "these tests ask for a CUDA device that is not there");
        Directory.CreateDirectory(_dir = Path.Combine(Path.GetTempPath(), "trm-device-" + Guid.NewGuid().ToString("N")));
    }

    [TearDown]
    public void TearDown()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [Test]
    public void Fit_WithoutCuda_NoFallback_ThrowsTheInvalidOperationException_Unwrapped()
    {
        var ml = new MLContext(seed: 1) { GpuDeviceId = 0, FallbackToCpu = false };
        var ex = Assert.Throws<InvalidOperationException>(() => TrmPipeline.Build(ml, TrmPipeline.SmallOptions(2)).Fit(TrmPipeline.Data(ml, 40, 1)));
        Assert.That(ex!.Message, Does.Contain("CUDA device 0").And.Contain("FallbackToCpu"));
    }

    [Test]
    public void ModelLoad_WithoutCuda_NoFallback_LoadsThenFirstUseThrowsTheInvalidOperationException_Unwrapped()
    {
        var zip = SaveTinyModel();
        var ml = new MLContext { GpuDeviceId = 0, FallbackToCpu = false };
        ITransformer loaded = null!;
        Assert.DoesNotThrow(() => loaded = ml.Model.Load(zip, out _), "Model.Load must not bury the error in TargetInvocationExceptions");

        var engine = Assert.Throws<InvalidOperationException>(() => ml.Model.CreatePredictionEngine<TrmPipeline.SudokuRow, TrmPipeline.SudokuPrediction>(loaded));
        Assert.That(engine!.Message, Does.Contain("CUDA device 0").And.Contain("FallbackToCpu"));
        var input = ml.Data.LoadFromEnumerable(new[] { new TrmPipeline.SudokuRow { Puzzle = TinySudoku.Generate(1, 3)[0].Puzzle } });
        Assert.Throws<InvalidOperationException>(() => loaded.Transform(input));
    }

    [Test]
    public void FitAndLoad_WithoutCuda_WithFallback_RunOnTheCpu_AndWarnOnTheLog()
    {
        var ml = new MLContext(seed: 1) { GpuDeviceId = 0, FallbackToCpu = true };
        var warnings = new List<string>();
        ml.Log += (_, e) => { if (e.Kind == ChannelMessageKind.Warning) lock (warnings) warnings.Add(e.Message); };
        var data = TrmPipeline.Data(ml, 40, 1);
        var model = TrmPipeline.Build(ml, TrmPipeline.SmallOptions(2)).Fit(data);
        Assert.That(warnings, Has.Some.Contains("CUDA device 0 was requested").And.Contains("running on the CPU"), "Fit");

        var zip = Path.Combine(_dir, "model.zip");
        ml.Model.Save(model, data.Schema, zip);
        warnings.Clear();
        var loaded = ml.Model.Load(zip, out _);
        var engine = ml.Model.CreatePredictionEngine<TrmPipeline.SudokuRow, TrmPipeline.SudokuPrediction>(loaded);
        Assert.That(engine.Predict(new TrmPipeline.SudokuRow { Puzzle = TinySudoku.Generate(1, 3)[0].Puzzle }).PredictedSolution, Has.Length.EqualTo(16));
        Assert.That(warnings, Has.Some.Contains("CUDA device 0 was requested").And.Contains("running on the CPU"), "Model.Load");
    }

    private string SaveTinyModel()
    {
        var ml = new MLContext(seed: 1);
        var data = TrmPipeline.Data(ml, 40, 1);
        var model = TrmPipeline.Build(ml, TrmPipeline.SmallOptions(2)).Fit(data);
        var zip = Path.Combine(_dir, "model.zip");
        ml.Model.Save(model, data.Schema, zip);
        return zip;
    }
}
