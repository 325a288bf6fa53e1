using Microsoft.ML.Trm.Model;
using Microsoft.ML.Trm.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Trm.Tests.Training;

/// <summary>The optimiser and EMA over one flat buffer give the per-tensor updates (within float tolerance).</summary>
public class FlatOptimizerTests
{
    [TestCase(TrmOptimizer.AdamAtan2)]
    [TestCase(TrmOptimizer.AdamW)]
    public void FlatBuffers_MatchPerTensorUpdates_OverSeveralSteps(TrmOptimizer kind)
    {
        var perTensor = Make(kind, flat: false);
        var flat = Make(kind, flat: true);
        Assert.That(flat.Optimizer.FlatParameters, Is.Not.Null);
        for (int step = 1; step <= 4; step++)
        {
            foreach (var run in new[] { perTensor, flat })
            {
                // The same loss on both: Σ sin(p)·k with a step-dependent k, so gradients change every step.
                Loss(run.Parameters, step).backward();
                run.Optimizer.Step(0.05);
                run.Optimizer.ZeroGrad();
                run.Ema.Update();
            }
        }
        for (int i = 0; i < perTensor.Parameters.Count; i++)
        {
            Assert.That(flat.Parameters[i].data<float>().ToArray(), Is.EqualTo(perTensor.Parameters[i].data<float>().ToArray()).Within(1e-6f));
            Assert.That(flat.Parameters[i].grad!.abs().sum().item<float>(), Is.EqualTo(0f), "zero-grad clears the flat gradient");
        }
        var shadowsFlat = flat.Ema.State().Select(s => s.Shadow.data<float>().ToArray()).ToList();
        var shadowsPer = perTensor.Ema.State().Select(s => s.Shadow.data<float>().ToArray()).ToList();
        for (int i = 0; i < shadowsPer.Count; i++) Assert.That(shadowsFlat[i], Is.EqualTo(shadowsPer[i]).Within(1e-6f));
        var statesFlat = flat.Optimizer.State().ToList(); var statesPer = perTensor.Optimizer.State().ToList();
        for (int i = 0; i < statesPer.Count; i++)
        {
            Assert.That(statesFlat[i].Name, Is.EqualTo(statesPer[i].Name));
            Assert.That(statesFlat[i].V.data<float>().ToArray(), Is.EqualTo(statesPer[i].V.data<float>().ToArray()).Within(1e-6f));
        }
    }

    [TestCase(false)]
    [TestCase(true)]
    public void MaskedStep_AppliesAFiniteStepAsThePlainOne_AndSkipsANonFiniteOne(bool flatBuffers)
    {
        var plain = Make(TrmOptimizer.AdamAtan2, flatBuffers);
        var masked = Make(TrmOptimizer.AdamAtan2, flatBuffers);
        for (int step = 1; step <= 3; step++)
        {
            Loss(plain.Parameters, step).backward();
            plain.Optimizer.Step(0.05); plain.Optimizer.ZeroGrad(); plain.Ema.Update();
            var loss = Loss(masked.Parameters, step);
            loss.backward();
            var applied = masked.Optimizer.Step(0.05, loss.isfinite());
            Assert.That(applied.item<bool>(), Is.True);
            masked.Optimizer.ZeroGrad(); masked.Ema.Update(applied);
        }
        Assert.That(Snapshot(masked), Is.EqualTo(Snapshot(plain)).Within(1e-6f), "a finite masked step is the plain step (to rounding)");

        var before = Snapshot(masked);
        var poisoned = Loss(masked.Parameters, 4) * double.NaN;
        poisoned.backward();
        var skipped = masked.Optimizer.Step(0.05, poisoned.isfinite());
        masked.Ema.Update(skipped);
        Assert.That(skipped.item<bool>(), Is.False);
        Assert.That(Snapshot(masked), Is.EqualTo(before), "parameters, m, v and the EMA are untouched by a non-finite step");
    }

    private static (List<Parameter> Parameters, ParameterOptimizer Optimizer, EmaWeights Ema) Make(TrmOptimizer kind, bool flat)
    {
        var generator = new Generator(7);
        var ps = new List<Parameter>
        {
            new(randn(new long[] { 5, 3 }, generator: generator)), new(randn(new long[] { 7 }, generator: generator)),
            new(randn(new long[] { 2, 2, 2 }, generator: generator)),
        };
        var module = new Holder(ps);
        var optimizer = new ParameterOptimizer(module.named_parameters().Select(p => (p.name, (Tensor)p.parameter)), kind, 0.9, 0.95, 0.1, 1e-8, flat);
        return (module.named_parameters().Select(p => p.parameter).ToList(), optimizer, new EmaWeights(module, 0.9, optimizer.FlatParameters));
    }

    /// <summary>Σ sin(p)·k with a step-dependent k, so gradients change every step.</summary>
    private static Tensor Loss(IReadOnlyList<Parameter> parameters, int step) =>
        parameters.Select((p, i) => (p.sin() * (step + i)).sum()).Aggregate((a, b) => a + b);

    private static List<float[]> Snapshot((List<Parameter> Parameters, ParameterOptimizer Optimizer, EmaWeights Ema) run) =>
        run.Parameters.Select(p => p.data<float>().ToArray())
            .Concat(run.Optimizer.State().SelectMany(s => new[] { s.M.data<float>().ToArray(), s.V.data<float>().ToArray() }))
            .Concat(run.Ema.State().Select(s => s.Shadow.data<float>().ToArray()))
            .ToList();

    private sealed class Holder : nn.Module
    {
        public Holder(IReadOnlyList<Parameter> ps) : base(nameof(Holder))
        {
            for (int i = 0; i < ps.Count; i++) register_parameter($"p{i}", ps[i]);
        }
    }
}
