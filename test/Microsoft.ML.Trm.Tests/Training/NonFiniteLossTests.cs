using Microsoft.ML.Trm.Model;
using Microsoft.ML.Trm.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Trm.Tests.Training;

public class NonFiniteLossTests
{
    [Test]
    public void NonFiniteLoss_ThrowsNamingTheStep_AndTheCarryDoesNotAdvance()
    {
        var options = TrmPresets.Create(TrmPresets.Tiny);
        options.HiddenSize = 16; options.NumHeads = 2;
        var data = TrmTrainingLoopTests.Sudoku4(32, seed: 1);
        var generator = new Generator(0);
        using var network = new TrmNetwork(options.ToArchitecture(6, data.SequenceLength, 1), ScalarType.Float32, generator);
        using var loop = new TrmTrainingLoop(network, options, totalSteps: 10, CPU, generator);
        var batch = data.Batch(Enumerable.Range(0, 16).ToArray());
        var first = loop.TrainStep(batch);
        Assert.That(double.IsFinite(first.Loss), Is.True);
        Assert.That(first.Loss, Is.EqualTo(first.LmLoss + 0.5 * (first.HaltLoss + first.ContinueLoss)).Within(1e-6 * Math.Abs(first.Loss)));
        var carryBefore = loop.Carry!.Answer.clone();
        using (no_grad()) network.named_parameters().First(p => p.name.Contains("lm_head")).parameter.fill_(double.NaN);
        var weightsBefore = network.named_parameters().Select(p => p.parameter.data<float>().ToArray()).ToList();
        var emaBefore = loop.Ema!.State().Select(s => s.Shadow.data<float>().ToArray()).ToList();
        var e = Assert.Throws<TrmTrainingException>(() => loop.TrainStep(batch));
        Assert.That(e!.Message, Does.Contain("step 2").And.Contain("not applied"));
        Assert.That(network.named_parameters().Select(p => p.parameter.data<float>().ToArray()).ToList(), Is.EqualTo(weightsBefore),
            "the failed step's update is not applied (NaN stays NaN, every other weight keeps its value)");
        Assert.That(loop.Ema!.State().Select(s => s.Shadow.data<float>().ToArray()).ToList(), Is.EqualTo(emaBefore), "nor the EMA's");
        Assert.That(loop.Carry!.Answer.equal(carryBefore).all().item<bool>(), Is.True, "the failed step's carry is not kept");
    }
}
