using System.Diagnostics;
using Microsoft.ML.Trm.Data;
using Microsoft.ML.Trm.Model;
using Microsoft.ML.Trm.Inference;
using Microsoft.ML.Trm.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Trm.Tests.Training;

public class TrmTrainingLoopTests
{
    private static readonly SudokuCodec Codec = new(4);

    internal static TrmDataset Sudoku4(int count, int seed, int blanks = 6)
    {
        var rows = TinySudoku.Generate(count, seed, blanks);
        return TrmDataset.FromRows(rows.Select(r => Codec.Encode(r.Puzzle)).ToList(), rows.Select(r => Codec.Encode(r.Solution)).ToList());
    }

    internal static TrmOptions TinyOptions() => TrmPresets.Create(TrmPresets.Tiny);

    private static (TrmTrainingLoop Loop, TrmDataset Data) NewLoop(TrmOptions options, int rows, long totalSteps, int blanks = 6)
    {
        var data = Sudoku4(rows, seed: 1, blanks);
        var generator = new Generator((ulong)options.Seed);
        var network = new TrmNetwork(options.ToArchitecture(Codec.VocabSize, data.SequenceLength, 1), ScalarType.Float32, generator);
        return (new TrmTrainingLoop(network, options, totalSteps, CPU, generator), data);
    }

    /// <summary>Batches of the run's group sampler (one iteration of many epochs; rows are their own groups).</summary>
    internal static IEnumerable<TrmBatch> Batches(TrmDataset data, int batchSize, int seed)
    {
        var sampler = new TrmGroupSampler(data, batchSize, seed, epochs: 1_000_000, epochsPerIteration: 1_000_000, members: 1);
        foreach (var samples in sampler.Iteration(0)) yield return data.Batch(samples, TrmAugmenter.Identity);
    }

    private static void Train(TrmTrainingLoop loop, TrmDataset data, int steps, int batchSize, int seed)
    {
        foreach (var batch in Batches(data, batchSize, seed))
        {
            if (loop.Step >= steps) break;
            loop.TrainStep(batch);
        }
    }

    [Test]
    public void TinyPreset_Learns4x4Sudoku_ToHighExactAccuracy()
    {
        var options = TinyOptions();
        var (loop, data) = NewLoop(options, rows: 2048, totalSteps: 200);
        var clock = Stopwatch.StartNew();
        Train(loop, data, steps: 200, batchSize: options.BatchSize, seed: options.Seed);
        var trainSeconds = clock.Elapsed.TotalSeconds;

        var heldOut = TinySudoku.Generate(256, seed: 999);
        using var eval = loop.CreateEvaluationNetwork();
        var predictions = TrmInference.Run(eval, CPU, TokenBatch.FromRows(heldOut.Select(r => Codec.Encode(r.Puzzle)).ToList(), null, Codec.SequenceLength, "held-out puzzles"));
        int exact = heldOut.Where((r, i) => Codec.Decode(predictions.TokensOf(i).ToArray()) == r.Solution).Count();
        double accuracy = (double)exact / heldOut.Count;
        TestContext.Out.WriteLine($"4x4 Sudoku: 200 steps in {trainSeconds:F1} s, held-out exact accuracy {accuracy:P1}");
        Assert.That(accuracy, Is.GreaterThan(0.9));
        Assert.That(predictions.Steps.All(s => s == options.MaxSupervisionSteps), "evaluation runs every supervision step");
        loop.Dispose();
    }

    [Test, Explicit("diagnostic: prints training curves")]
    public void Diagnostic_PrintCurves()
    {
        var options = TinyOptions();
        double Env(string name, double fallback) => double.TryParse(Environment.GetEnvironmentVariable(name), out var v) ? v : fallback;
        options.LearningRate = Env("TRM_LR", options.LearningRate);
        options.HiddenSize = (int)Env("TRM_HIDDEN", options.HiddenSize);
        options.BatchSize = (int)Env("TRM_BATCH", options.BatchSize);
        options.MaxSupervisionSteps = (int)Env("TRM_NSUP", options.MaxSupervisionSteps);
        options.WeightDecay = Env("TRM_WD", options.WeightDecay);
        options.PuzzleEmbeddingLearningRate = Env("TRM_PLR", options.PuzzleEmbeddingLearningRate);
        options.PuzzleEmbeddingLength = (int)Env("TRM_PLEN", options.PuzzleEmbeddingLength);
        if (Env("TRM_THREADS", 0) > 0) torch.set_num_threads((int)Env("TRM_THREADS", 0));
        options.OuterCycles = (int)Env("TRM_T", options.OuterCycles);
        options.InnerCycles = (int)Env("TRM_N", options.InnerCycles);
        if (Env("TRM_ATT", 0) > 0) { options.Mixer = TrmMixer.Attention; options.PositionEncoding = TrmPositionEncoding.Rope; }
        var (loop, data) = NewLoop(options, rows: 2048, totalSteps: 400, blanks: (int)Env("TRM_BLANKS", 6));
        var clock = Stopwatch.StartNew();
        double lm = 0, acc = 0, exact = 0, count = 0;
            foreach (var batch in Batches(data, options.BatchSize, 0))
            {
                var m = loop.TrainStep(batch);
                lm += m.LmLoss / batch.Size; acc += m.TokenAccuracySum; exact += m.ExactAccuracySum; count += m.Count;
                if (loop.Step % 25 == 0)
                {
                    TestContext.Out.WriteLine($"step {loop.Step} lr {loop.LearningRate:G3} lm {lm / 25:F3} tok {acc / Math.Max(1, count):P1} exact {exact / Math.Max(1, count):P1} n {count} {clock.ElapsedMilliseconds / loop.Step} ms/step");
                    lm = acc = exact = count = 0;
                }
                if (loop.Step >= 400) break;
            }
    }

    [Test]
    public void SameSeed_TwoRuns_AreBitIdentical()
    {
        float[] Run()
        {
            var options = TinyOptions();
            var (loop, data) = NewLoop(options, rows: 128, totalSteps: 12);
            Train(loop, data, steps: 12, batchSize: 16, seed: 5);
            var weights = loop.Network.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();
            using var eval = loop.CreateEvaluationNetwork();
            var ema = eval.parameters().SelectMany(p => p.data<float>().ToArray());
            var result = weights.Concat(ema).ToArray();
            loop.Dispose();
            loop.Network.Dispose();
            return result;
        }
        var first = Run();
        var second = Run();
        Assert.That(second, Is.EqualTo(first));
    }

    [Test]
    public void DifferentSeed_GivesDifferentWeights()
    {
        var a = TinyOptions(); var b = TinyOptions(); b.Seed = 1;
        var (la, _) = NewLoop(a, 64, 10); var (lb, _) = NewLoop(b, 64, 10);
        var wa = la.Network.parameters().First().data<float>().ToArray();
        var wb = lb.Network.parameters().First().data<float>().ToArray();
        Assert.That(wb, Is.Not.EqualTo(wa));
        la.Dispose(); lb.Dispose();
    }

    [Test]
    public void TwoHundredSteps_KeepLiveTensorCountFlat()
    {
        var options = TinyOptions();
        options.HiddenSize = 16; options.NumHeads = 2;
        var (loop, data) = NewLoop(options, rows: 256, totalSteps: 220);
        Train(loop, data, steps: 20, batchSize: 16, seed: 0);   // warm-up: carry, optimiser state and EMA exist now
        GC.Collect(); GC.WaitForPendingFinalizers();
        long before = Tensor.TotalCount;
        Train(loop, data, steps: 220, batchSize: 16, seed: 1);
        GC.Collect(); GC.WaitForPendingFinalizers();
        long after = Tensor.TotalCount;
        TestContext.Out.WriteLine($"live tensors before {before}, after 200 more steps {after}");
        Assert.That(after, Is.EqualTo(before));
        loop.Dispose();
    }

    [Test]
    public void Inference_KeepsLiveTensorCountFlat()
    {
        var options = TinyOptions();
        var (loop, data) = NewLoop(options, rows: 64, totalSteps: 1);
        var inputs = TokenBatch.FromRows(Enumerable.Range(0, 8).Select(i => data.Inputs.Skip(i * 16).Take(16).ToArray()).ToList(), null, 16, "inputs");
        TrmInference.Run(loop.Network, CPU, inputs);
        GC.Collect(); GC.WaitForPendingFinalizers();
        long before = Tensor.TotalCount;
        for (int i = 0; i < 20; i++) TrmInference.Run(loop.Network, CPU, inputs, recordSteps: true);
        GC.Collect(); GC.WaitForPendingFinalizers();
        Assert.That(Tensor.TotalCount, Is.EqualTo(before));
        loop.Dispose();
    }

    [Test]
    public void LearningRate_WarmsUpLinearlyThenStaysConstant()
    {
        Assert.That(LearningRateSchedule.At(1, 1e-4, 2000, 65000, 1.0), Is.EqualTo(1e-4 / 2000).Within(1e-15));
        Assert.That(LearningRateSchedule.At(1000, 1e-4, 2000, 65000, 1.0), Is.EqualTo(0.5e-4).Within(1e-15));
        Assert.That(LearningRateSchedule.At(30000, 1e-4, 2000, 65000, 1.0), Is.EqualTo(1e-4).Within(1e-15));
        Assert.That(LearningRateSchedule.At(65000, 1e-4, 2000, 65000, 0.1), Is.EqualTo(1e-5).Within(1e-12));
    }

    [Test]
    public void AdamAtan2_FirstStep_MovesEachWeightByLearningRateTimesAtan2()
    {
        // First step: m̂ = g, sqrt(v̂) = |g| → update = atan2(g, |g|) = ±π/4 per element; decay shrinks first.
        var p = new Parameter(tensor(new float[] { 1f, -2f }));
        p.grad = tensor(new float[] { 0.5f, -3f });
        using var opt = new ParameterOptimizer(new[] { ("p", (Tensor)p) }, TrmOptimizer.AdamAtan2, 0.9, 0.95, weightDecay: 0.1, epsilon: 1e-8);
        opt.Step(lr: 0.01);
        var expected = new[] { 1f * (1 - 0.001f) - 0.01f * (float)(Math.PI / 4), -2f * (1 - 0.001f) + 0.01f * (float)(Math.PI / 4) };
        Assert.That(p.data<float>().ToArray(), Is.EqualTo(expected).Within(1e-6f));
    }

    [Test]
    public void PuzzleEmbedding_SignSgd_UpdatesOnlyRowsInBatch()
    {
        using var table = new PuzzleEmbedding(4, 3, ScalarType.Float32);
        table.train();
        var ids = tensor(new long[] { 1, 1, 3 });
        var rows = table.forward(ids);
        (rows * tensor(new float[] { 1f, -1f, 2f })).sum().backward();
        table.SignSgdStep(lr: 0.1, weightDecay: 0.5);
        var w = table.Weights;
        Assert.That(w[0].abs().sum().item<float>(), Is.EqualTo(0f));
        Assert.That(w[2].abs().sum().item<float>(), Is.EqualTo(0f));
        Assert.That(w[1].data<float>().ToArray(), Is.EqualTo(new[] { -0.1f, 0.1f, -0.1f }).Within(1e-7f)); // summed grads (2,-2,4) → sign
        Assert.That(w[3].data<float>().ToArray(), Is.EqualTo(new[] { -0.1f, 0.1f, -0.1f }).Within(1e-7f));
    }
}
