using System.Diagnostics;
using Microsoft.ML.Data;
using Microsoft.ML.Trm.Tests.Trm;
using TorchSharp;

namespace Microsoft.ML.Trm.Tests.Reliability;

public class ConcurrencyAndResourceTests
{
    [Test]
    public void Transform_FromSeveralThreads_MatchesSequentialResults()
    {
        var ml = new MLContext(seed: 0);
        var model = ml.Model.Load(new MemoryStream(TinyModelZip.Bytes), out _);
        var data = ml.Data.LoadFromEnumerable(TrmEstimatorTests.TokenRows(48));
        int[][] Predict() => model.Transform(data).GetColumn<VBuffer<int>>("PredictedTokens").Select(v => v.DenseValues().ToArray()).ToArray();
        var sequential = Predict();
        var parallel = Enumerable.Range(0, 4).AsParallel().WithDegreeOfParallelism(4).Select(_ => Predict()).ToList();
        foreach (var result in parallel) Assert.That(result, Is.EqualTo(sequential));
    }

    [Test]
    public void TenThousandPredictions_KeepLiveTensorsAndMemoryFlat()
    {
        var ml = new MLContext(seed: 0);
        var options = TrmPipeline.SmallOptions(maxSteps: 1);
        options.HiddenSize = 8; options.NumHeads = 1; options.Layers = 1; options.OuterCycles = 1; options.InnerCycles = 1;
        options.MaxSupervisionSteps = 1; options.PuzzleEmbeddingLength = 1;
        var model = ml.Transforms.Trm(options).Fit(ml.Data.LoadFromEnumerable(TrmEstimatorTests.TokenRows(32)));
        var engine = ml.Model.CreatePredictionEngine<TrmEstimatorTests.TokenRow, TokenPrediction>(model);
        var rows = TrmEstimatorTests.TokenRows(100);
        for (int i = 0; i < 200; i++) engine.Predict(rows[i % rows.Length]);   // warm-up
        GC.Collect(); GC.WaitForPendingFinalizers();
        long tensorsBefore = torch.Tensor.TotalCount;
        long memoryBefore = Process.GetCurrentProcess().WorkingSet64;
        for (int i = 0; i < 10_000; i++) engine.Predict(rows[i % rows.Length]);
        GC.Collect(); GC.WaitForPendingFinalizers();
        long tensorsAfter = torch.Tensor.TotalCount;
        long memoryAfter = Process.GetCurrentProcess().WorkingSet64;
        TestContext.Out.WriteLine($"live tensors {tensorsBefore} -> {tensorsAfter}; working set {memoryBefore / 1048576} MB -> {memoryAfter / 1048576} MB");
        Assert.That(tensorsAfter, Is.LessThanOrEqualTo(tensorsBefore), "no native tensor may outlive a prediction");
        Assert.That(memoryAfter - memoryBefore, Is.LessThan(64L * 1048576), "working set grew by more than 64 MB over 10,000 predictions");
    }

    public sealed class TokenPrediction
    {
        [VectorType(16)] public int[] PredictedTokens { get; set; } = Array.Empty<int>();
        public float Confidence { get; set; }
    }
}
