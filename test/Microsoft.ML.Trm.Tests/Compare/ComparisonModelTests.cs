using Microsoft.ML.Trm.Model;
using Microsoft.ML.Trm.Training;
using Microsoft.ML.Trm.Tests.Model;
using Microsoft.ML.Trm.Tests.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Trm.Tests.Compare;

/// <summary>HRM, the direct baseline and the TRM ablation switches change exactly what they claim.</summary>
public class ComparisonModelTests
{
    private static TrmArchitecture Tiny(int outer, int inner) => TrmNetworkTests.TinyArchitecture(outer, inner);

    private static (List<bool> Calls, Tensor Logits, TrmNetwork Network) RunStep(TrmArchitecture arch, List<bool>? high = null)
    {
        var network = new TrmNetwork(arch, ScalarType.Float32, new Generator(0));
        network.train();
        var calls = new List<bool>();
        network.Net.OnCall = g => calls.Add(g);
        if (high is not null) network.HighLevel!.OnCall = g => high.Add(g);
        var (y0, z0) = network.InitialState(2, CPU);
        var inputs = randint(1, arch.VocabSize, new long[] { 2, arch.SequenceLength }, generator: new Generator(1));
        var (_, _, logits, _, _) = network.DeepRecursion(y0, z0, inputs, zeros(2, ScalarType.Int64));
        logits.sum().backward();
        return (calls, logits, network);
    }

    [Test]
    public void HrmPreset_Has27275266Parameters_TwoFourBlockNetworks_OnePrefixPosition()
    {
        var options = TrmPresets.Create(TrmPresets.Hrm);
        var arch = options.ToArchitecture(11, 81, 1);
        using var network = new TrmNetwork(arch, ScalarType.Float32, new Generator(0));
        Assert.That(network.ParameterCount, Is.EqualTo(27_275_266L));
        Assert.That(arch.PrefixLength, Is.EqualTo(1), "ceil(512/512) = 1 prefix position");
        Assert.That((arch.OuterCycles, arch.InnerCycles, arch.NoActContinue), Is.EqualTo((2, 2, false)));
        Assert.That(options.UseEma, Is.False);
        var keys = network.state_dict().Keys.ToList();
        Assert.That(keys.Count(k => k.StartsWith("H_level.layers.") && k.EndsWith("qkv_proj.weight")), Is.EqualTo(4));
        Assert.That(keys.Count(k => k.StartsWith("L_level.layers.") && k.EndsWith("qkv_proj.weight")), Is.EqualTo(4));
        Assert.That(keys.IndexOf("H_level.layers.0.self_attn.qkv_proj.weight"), Is.LessThan(keys.IndexOf("L_level.layers.0.self_attn.qkv_proj.weight")), "upstream order: H_level before L_level");
        Assert.That(TrmPresets.Names, Does.Contain("hrm"));
    }

    [Test]
    public void Hrm_OnlyFinalLowAndHighCallsRecordGradients()
    {
        var arch = Tiny(outer: 2, inner: 2) with { Kind = TrmArchitectureKind.Hrm, HighLevelLayers = 1 };
        var high = new List<bool>();
        var (low, _, network) = RunStep(arch, high);
        using (network)
        {
            // H_cycles·L_cycles = 4 L calls, H_cycles = 2 H calls; only the last of each is differentiated.
            Assert.That(low, Is.EqualTo(new[] { false, false, false, true }));
            Assert.That(high, Is.EqualTo(new[] { false, true }));
            var hGrad = network.named_parameters().First(p => p.name == "H_level.layers.0.mlp.down_proj.weight").parameter.grad;
            var lGrad = network.named_parameters().First(p => p.name == "L_level.layers.0.mlp.down_proj.weight").parameter.grad;
            Assert.That(hGrad!.abs().sum().item<float>(), Is.GreaterThan(0f));
            Assert.That(lGrad!.abs().sum().item<float>(), Is.GreaterThan(0f));
        }
    }

    [Test]
    public void OneStepGradient_OnlyFinalLatentAndAnswerCallsRecordGradients()
    {
        var (full, _, a) = RunStep(Tiny(3, 2));
        var (oneStep, _, b) = RunStep(Tiny(3, 2) with { OneStepGradient = true });
        a.Dispose(); b.Dispose();
        Assert.That(full.Count(g => g), Is.EqualTo(3), "control: plain TRM differentiates all n+1 calls of the last recursion");
        Assert.That(oneStep.Count, Is.EqualTo(9), "same forward work: T·(n+1) calls");
        Assert.That(oneStep, Is.EqualTo(new[] { false, false, false, false, false, false, false, true, true }));
    }

    [Test]
    public void SingleLatent_HasNoAnswerState_AndReadsOutputFromZ()
    {
        var arch = Tiny(2, 2) with { SingleLatent = true };
        using var network = new TrmNetwork(arch, ScalarType.Float32, new Generator(0));
        var keys = network.state_dict().Keys.ToList();
        Assert.That(keys, Does.Not.Contain("H_init"));
        Assert.That(keys, Does.Contain("L_init"));
        using var plain = new TrmNetwork(Tiny(2, 2), ScalarType.Float32, new Generator(0));
        Assert.That(plain.state_dict().Keys, Does.Contain("H_init"), "control");
        Assert.That(network.ParameterCount, Is.EqualTo(plain.ParameterCount), "same network, only the state layout changes");

        network.train();
        var calls = new List<bool>();
        network.Net.OnCall = g => calls.Add(g);
        var carry = TrmSupervisionStep.EmptyCarry(arch, 2, CPU);
        var inputs = randint(1, arch.VocabSize, new long[] { 2, arch.SequenceLength }, generator: new Generator(1));
        var output = TrmSupervisionStep.Run(network, carry, inputs, inputs, zeros(2, ScalarType.Int64), training: true, null);
        Assert.That(calls, Is.EqualTo(new[] { false, false, false, true, true, true }));
        Assert.That(output.Carry.Answer.equal(output.Carry.Latent).all().item<bool>(), Is.True, "the carry holds only z");
        // The logits are the head applied to z: changing the state y slot changes nothing.
        using (no_grad())
        {
            var (y0, z0) = network.InitialState(2, CPU);
            var a = network.DeepRecursion(y0, z0, inputs, zeros(2, ScalarType.Int64)).Logits;
            var b = network.DeepRecursion(randn_like(y0), z0, inputs, zeros(2, ScalarType.Int64)).Logits;
            Assert.That(a.equal(b).all().item<bool>(), Is.True);
        }
        Assert.Throws<ArgumentException>(() => (arch with { Kind = TrmArchitectureKind.Hrm }).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrmOptions { SingleLatent = true, Architecture = TrmArchitectureKind.Direct }.Validate());
    }

    [Test]
    public void Direct_IsOnePassWithGradient_AndOneSupervisionStep()
    {
        var options = new TrmOptions { Architecture = TrmArchitectureKind.Direct, HiddenSize = 32, NumHeads = 2, Layers = 3, MaxSupervisionSteps = 16, PuzzleEmbeddingLength = 2 };
        var arch = options.ToArchitecture(6, 16, 1);
        Assert.That(arch.MaxSupervisionSteps, Is.EqualTo(1));
        var (calls, logits, network) = RunStep(arch);
        using (network)
        {
            Assert.That(calls, Is.EqualTo(new[] { true }));
            Assert.That(logits.shape, Is.EqualTo(new long[] { 2, 16, 6 }));
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => (arch with { MaxSupervisionSteps = 4 }).Validate());
    }

    [Test]
    public void DirectBaseline_MatchesParameterCount()
    {
        // Paper: the direct Transformer is HRM-sized (27M). With HRM's attention blocks, 8 blocks match exactly.
        var (options, parameters, target) = DirectBaseline.Match(TrmPresets.Create(TrmPresets.Hrm), TrmPresets.Create(TrmPresets.SudokuAtt), 11, 81);
        Assert.That(options.Architecture, Is.EqualTo(TrmArchitectureKind.Direct));
        Assert.That(options.Layers, Is.EqualTo(8));
        Assert.That((parameters, target), Is.EqualTo((27_275_266L, 27_275_266L)));

        // TRM-MLP (5,028,866) with attention blocks: 1 block (3,420,162) is closer than 2 (6,828,034).
        var (mlpMatch, mlpParams, mlpTarget) = DirectBaseline.Match(TrmPresets.Create(TrmPresets.SudokuMlp), TrmPresets.Create(TrmPresets.SudokuAtt), 11, 81);
        Assert.That((mlpMatch.Layers, mlpParams, mlpTarget), Is.EqualTo((1, 3_420_162L, 5_028_866L)));

        // Small scale: match a tiny MLP-T TRM with attention blocks — the closest block count wins.
        var mlp = TrmTrainingLoopTests.TinyOptions(); mlp.Mixer = TrmMixer.MlpT; mlp.PositionEncoding = TrmPositionEncoding.None;
        var (small, p, t) = DirectBaseline.Match(mlp, TrmTrainingLoopTests.TinyOptions(), 6, 16);
        var perBlock = DirectBaseline.ParameterCount(With(small, small.Layers + 1), 6, 16) - p;
        Assert.That(Math.Abs(p - t), Is.LessThanOrEqualTo(perBlock / 2 + 1));
    }

    private static TrmOptions With(TrmOptions o, int layers) { var c = o.Clone(); c.Layers = layers; return c; }

    [Test]
    public void ContinueLoss_HaltsOnHaltAboveContinue()
    {
        var arch = Tiny(1, 1);
        foreach (var noContinue in new[] { true, false })
        {
            using var network = new TrmNetwork(arch with { NoActContinue = noContinue }, ScalarType.Float32, new Generator(0));
            using (no_grad()) network.named_parameters().First(p => p.name == "q_head.bias").parameter.copy_(tensor(new[] { -1f, -2f }));
            network.train();
            var inputs = ones(2, arch.SequenceLength, ScalarType.Int64);
            var output = TrmSupervisionStep.Run(network, TrmSupervisionStep.EmptyCarry(arch, 2, CPU), inputs, inputs, zeros(2, ScalarType.Int64), training: true, null);
            // halt −1 < 0 (TRM rule: continue), but −1 > −2 (HRM rule: halt).
            Assert.That(output.Carry.Halted.all().item<bool>(), Is.EqualTo(!noContinue));
        }
    }

    [TestCase(false)]
    [TestCase(true)]
    public void ContinueLoss_AddsExtraForwardPassAndLossTerm(bool continueLoss)
    {
        var options = TrmTrainingLoopTests.TinyOptions();
        options.HiddenSize = 32; options.NumHeads = 2; options.OuterCycles = 2; options.InnerCycles = 1; options.ActContinueLoss = continueLoss;
        var data = TrmTrainingLoopTests.Sudoku4(8, seed: 1);
        var generator = new Generator(0);
        using var network = new TrmNetwork(options.ToArchitecture(6, 16, 1), ScalarType.Float32, generator);
        using var loop = new TrmTrainingLoop(network, options, 10, CPU, generator);
        var calls = new List<bool>();
        network.Net.OnCall = g => calls.Add(g);
        var metrics = loop.TrainStep(data.Batch(Enumerable.Range(0, 8).ToArray()));
        int perStep = 2 * (1 + 1);
        Assert.That(calls.Count, Is.EqualTo(continueLoss ? 2 * perStep : perStep));
        Assert.That(calls.Count(g => g), Is.EqualTo(2), "the extra pass records no gradient");
        if (continueLoss) Assert.That(metrics.ContinueLoss, Is.GreaterThan(0));
        else Assert.That(metrics.ContinueLoss, Is.EqualTo(0));
    }

    [TestCase(true)]
    [TestCase(false)]
    public void Ema_Switch_ChangesTheEvaluationWeights(bool useEma)
    {
        var options = TrmTrainingLoopTests.TinyOptions();
        options.HiddenSize = 32; options.NumHeads = 2; options.OuterCycles = 1; options.InnerCycles = 1; options.UseEma = useEma;
        options.LearningRateWarmupSteps = 0;
        var data = TrmTrainingLoopTests.Sudoku4(8, seed: 1);
        var generator = new Generator(0);
        using var network = new TrmNetwork(options.ToArchitecture(6, 16, 1), ScalarType.Float32, generator);
        using var loop = new TrmTrainingLoop(network, options, 10, CPU, generator);
        loop.TrainStep(data.Batch(Enumerable.Range(0, 8).ToArray()));
        using var eval = loop.CreateEvaluationNetwork();
        var raw = network.named_parameters().First(p => p.name == "lm_head.weight").parameter;
        var used = eval.named_parameters().First(p => p.name == "lm_head.weight").parameter;
        Assert.That(used.equal(raw).all().item<bool>(), Is.EqualTo(!useEma));
        Assert.That(loop.Ema is null, Is.EqualTo(!useEma));
    }

    [Test]
    public void Options_MapToArchitecture()
    {
        var o = new TrmOptions { OneStepGradient = true, ActContinueLoss = true, HighLevelLayers = 3, Architecture = TrmArchitectureKind.Hrm };
        var a = o.ToArchitecture(11, 81, 1);
        Assert.That((a.OneStepGradient, a.NoActContinue, a.HighLevelLayers, a.Kind), Is.EqualTo((true, false, 3, TrmArchitectureKind.Hrm)));
        var d = new TrmOptions().ToArchitecture(11, 81, 1);
        Assert.That((d.OneStepGradient, d.NoActContinue, d.SingleLatent, d.Kind), Is.EqualTo((false, true, false, TrmArchitectureKind.Trm)));
    }
}
