using Microsoft.ML.Trm.Model;
using Microsoft.ML.Trm.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Trm.Tests.Model;

public class TrmNetworkTests
{
    // Reference counts (trm-spec §6.3): Σ numel of Parameters, puzzle table excluded.
    [TestCase(TrmPresets.SudokuMlp, 11, 81, 5_028_866L)]
    [TestCase(TrmPresets.SudokuAtt, 11, 81, 6_828_034L)]
    [TestCase(TrmPresets.MazeAtt, 6, 900, 6_822_914L)]
    [TestCase(TrmPresets.ArcAtt, 12, 900, 6_829_058L)]
    public void ParameterCount_Preset_MatchesReference(string preset, int vocab, int seq, long expected)
    {
        using var network = new TrmNetwork(TrmPresets.Create(preset).ToArchitecture(vocab, seq, 1), ScalarType.Float32, new Generator(0));
        Assert.That(network.ParameterCount, Is.EqualTo(expected));
    }

    [Test]
    public void StateDict_AttentionPreset_UsesReferenceKeyNamesAndShapes()
    {
        using var network = new TrmNetwork(TrmPresets.Create(TrmPresets.SudokuAtt).ToArchitecture(11, 81, 1), ScalarType.Float32, new Generator(0));
        var shapes = network.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.shape);
        Assert.That(shapes["H_init"], Is.EqualTo(new long[] { 512 }));
        Assert.That(shapes["embed_tokens.embedding_weight"], Is.EqualTo(new long[] { 11, 512 }));
        Assert.That(shapes["q_head.bias"], Is.EqualTo(new long[] { 2 }));
        Assert.That(shapes["puzzle_emb.weights"], Is.EqualTo(new long[] { 1, 512 }));
        Assert.That(shapes["L_level.layers.1.self_attn.qkv_proj.weight"], Is.EqualTo(new long[] { 1536, 512 }));
        Assert.That(shapes["L_level.layers.0.mlp.gate_up_proj.weight"], Is.EqualTo(new long[] { 3072, 512 }));
        Assert.That(shapes["L_level.layers.0.mlp.down_proj.weight"], Is.EqualTo(new long[] { 512, 1536 }));
        Assert.That(shapes.Keys.Any(k => k.Contains("cos") || k.Contains("sin")), Is.False, "rotary tables must not be state");
        Assert.That(shapes, Has.Count.EqualTo(15)); // H_init, L_init, embed_tokens, lm_head, q_head ×2, puzzle_emb + 4 per layer
    }

    [Test]
    public void StateDict_MlpPreset_HasMlpTOverPositions()
    {
        using var network = new TrmNetwork(TrmPresets.Create(TrmPresets.SudokuMlp).ToArchitecture(11, 81, 1), ScalarType.Float32, new Generator(0));
        var shapes = network.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.shape);
        Assert.That(shapes["L_level.layers.0.mlp_t.gate_up_proj.weight"], Is.EqualTo(new long[] { 1024, 97 }));
        Assert.That(shapes["L_level.layers.0.mlp_t.down_proj.weight"], Is.EqualTo(new long[] { 97, 512 }));
    }

    [Test]
    public void Initialisation_FollowsReference()
    {
        using var network = new TrmNetwork(TrmPresets.Create(TrmPresets.SudokuAtt).ToArchitecture(11, 81, 1), ScalarType.Float32, new Generator(1));
        var sd = network.state_dict();
        Assert.That(sd["q_head.weight"].abs().max().item<float>(), Is.EqualTo(0f));
        Assert.That(sd["q_head.bias"].data<float>().ToArray(), Is.EqualTo(new[] { -5f, -5f }));
        Assert.That(sd["puzzle_emb.weights"].abs().max().item<float>(), Is.EqualTo(0f));
        // Truncated LeCun normal: realised std = 1/sqrt(fan_in), cut at ≈ 2.27 std.
        var w = sd["L_level.layers.0.mlp.gate_up_proj.weight"];
        double std = w.std().item<float>(), bound = w.abs().max().item<float>();
        Assert.That(std, Is.EqualTo(1 / Math.Sqrt(512)).Within(0.01 / Math.Sqrt(512) * 10));
        Assert.That(bound, Is.LessThanOrEqualTo(2.28 / Math.Sqrt(512)));
        Assert.That(bound, Is.GreaterThan(2.0 / Math.Sqrt(512)));
        // Token embeddings start at unit RMS once scaled by sqrt(D).
        var emb = sd["embed_tokens.embedding_weight"] * Math.Sqrt(512);
        Assert.That(emb.square().mean().sqrt().item<float>(), Is.EqualTo(1f).Within(0.03f));
    }

    [Test]
    public void SwiGluInnerSize_RoundsUpToMultipleOf256()
    {
        Assert.That(SwiGlu.InnerSizeFor(512, 4), Is.EqualTo(1536));
        Assert.That(SwiGlu.InnerSizeFor(97, 4), Is.EqualTo(512));
        Assert.That(SwiGlu.InnerSizeFor(916, 4), Is.EqualTo(2560));
    }

    [Test]
    public void SwiGluAlongAxis0_EqualsUpstreamTransposedForward()
    {
        using var swiglu = new SwiGlu(12, 4, new Generator(4));
        var x = randn(3, 12, 5, generator: new Generator(5));                       // [batch, positions, channels]
        var reference = swiglu.forward(x.transpose(1, 2)).transpose(1, 2);          // upstream MLP-T
        var sequenceMajor = x.transpose(0, 1).contiguous();                          // [positions, batch, channels]
        Assert.That(swiglu.ForwardAlongAxis0(sequenceMajor).transpose(0, 1).allclose(reference, rtol: 1e-5, atol: 1e-6), Is.True);
        var normed = RmsNorm.Apply(sequenceMajor, 1e-5, dim: 0).transpose(0, 1);
        Assert.That(normed.allclose(RmsNorm.Apply(x.transpose(1, 2), 1e-5).transpose(1, 2), rtol: 1e-5, atol: 1e-6), Is.True);
    }

    [Test]
    public void MlpTInCpuBlocks_EqualsOneBlock_ForwardAndGradient()
    {
        // 1,200 batch items of a 97-position MLP-T over 8 channels: split into blocks of SwiGlu.CpuBlockBytes.
        using var positions = new SwiGlu(97, 4, new Generator(8));
        var sequenceMajor = randn(97, 1200, 8, generator: new Generator(9));
        Assert.That(SwiGlu.CpuBlockBytes / (2 * positions.InnerSize * 8 * 4), Is.LessThan(600), "the input must need several blocks");
        AssertSameAsOneBlock(positions, sequenceMajor, positions.ForwardAlongAxis0,
            x => OneBlock(positions, x.permute(1, 2, 0)).permute(2, 0, 1));
    }

    private static Tensor OneBlock(SwiGlu swiglu, Tensor x)
    {
        var weights = swiglu.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var parts = nn.functional.linear(x, weights["gate_up_proj.weight"]).chunk(2, -1);
        return nn.functional.linear(nn.functional.silu(parts[0]) * parts[1], weights["down_proj.weight"]);
    }

    private static void AssertSameAsOneBlock(SwiGlu swiglu, Tensor x, Func<Tensor, Tensor> blocked, Func<Tensor, Tensor> oneBlock)
    {
        var probe = randn(x.shape, generator: new Generator(10));
        Tensor[] Gradients(Func<Tensor, Tensor> f)
        {
            swiglu.zero_grad();
            var output = f(x);
            (output * probe).sum().backward();
            return swiglu.parameters().Select(p => p.grad!.clone()).Prepend(output.detach()).ToArray();
        }
        var expected = Gradients(oneBlock);
        var actual = Gradients(blocked);
        for (int i = 0; i < expected.Length; i++)
            Assert.That(actual[i].allclose(expected[i], rtol: 1e-4, atol: 1e-4), Is.True, i == 0 ? "output" : $"gradient {i}");
    }

    [Test]
    public void RmsNorm_HasUnitRmsOverLastAxis()
    {
        var x = randn(3, 5, 7, generator: new Generator(3)) * 4 + 1;
        var y = RmsNorm.Apply(x, 1e-5);
        var rms = y.square().mean(new long[] { -1 }).sqrt();
        Assert.That((rms - 1).abs().max().item<float>(), Is.LessThan(1e-4f));
    }

    [TestCase(-1)]
    [TestCase(0)]
    public void RmsNorm_EqualsUpstreamForm_ValueAndGradient(long dim)
    {
        // Upstream layers.py rms_norm: x * rsqrt(x.square().mean(dim) + eps). Ours takes ‖x‖²/n over the last axis.
        // One all-zero slice: upstream's gradient there is finite (rsqrt(eps)·probe); ours must match it, not be NaN.
        var x = randn(6, 5, 8, generator: new Generator(4)) * 3 + 0.5;
        if (dim == -1) x[2, 3] = zeros(8); else x[.., 1, 4] = zeros(6);
        var probe = randn(6, 5, 8, generator: new Generator(5));
        (Tensor Value, Tensor Gradient) Run(Func<Tensor, Tensor> norm)
        {
            var leaf = x.clone().requires_grad_();
            var y = norm(leaf);
            (y * probe).sum().backward();
            return (y.detach(), leaf.grad!);
        }
        var ours = Run(h => RmsNorm.Apply(h, 1e-5, dim));
        var upstream = Run(h => h * rsqrt(h.square().mean(new[] { dim }, keepdim: true) + 1e-5));
        Assert.That(ours.Value.allclose(upstream.Value, rtol: 1e-5, atol: 1e-6), Is.True, "value");
        Assert.That(ours.Gradient.isfinite().all().item<bool>(), Is.True, "gradient finite at the zero slice");
        Assert.That(ours.Gradient.allclose(upstream.Gradient, rtol: 1e-4, atol: 1e-4), Is.True, "gradient");
    }

    [TestCase(ScalarType.Float32)]
    [TestCase(ScalarType.BFloat16)]
    public void RotaryEmbedding_EqualsUpstreamRotateHalf_ValueAndGradient(ScalarType dtype)
    {
        // Upstream apply_rotary_pos_emb: x·cos + rotate_half(x)·sin with rotate_half(x) = [−x₂ | x₁], in float32.
        using var rotary = new RotaryEmbedding(headDim: 8, length: 7, theta: 10000);
        var (cos, signedSin) = rotary.Tables(CPU);
        // Upstream's tables, built here from its formula: angles t·θ^(−2i/d), duplicated over the two halves.
        var invFreq = 1.0 / pow(10000.0, arange(0, 8, 2, dtype: ScalarType.Float32) / 8);
        var freqs = outer(arange(7, dtype: ScalarType.Float32), invFreq);
        var angles = cat(new[] { freqs, freqs }, -1);
        var sin = angles.sin();
        Assert.That(cos.allclose(angles.cos(), atol: 1e-6), Is.True, "cos table");
        var x = randn(3, 7, 4, 8, generator: new Generator(6)).to(dtype);
        var probe = randn(3, 7, 4, 8, generator: new Generator(7));
        (Tensor Value, Tensor Gradient) Run(Func<Tensor, Tensor> rope)
        {
            var leaf = x.clone().requires_grad_();
            var y = rope(leaf);
            Assert.That(y.dtype, Is.EqualTo(dtype));
            (y.to(ScalarType.Float32) * probe).sum().backward();
            return (y.detach().to(ScalarType.Float32), leaf.grad!.to(ScalarType.Float32));
        }
        var ours = Run(h => RotaryEmbedding.Apply(h, cos, signedSin));
        var upstream = Run(h =>
        {
            var f = h.to(ScalarType.Float32);
            var rotated = cat(new[] { -f[.., .., .., 4..], f[.., .., .., ..4] }, -1);
            return (f * cos.unsqueeze(-2) + rotated * sin.unsqueeze(-2)).to(dtype);
        });
        double tolerance = dtype == ScalarType.Float32 ? 1e-5 : 1e-2;
        Assert.That(ours.Value.allclose(upstream.Value, rtol: tolerance, atol: tolerance), Is.True, "value");
        Assert.That(ours.Gradient.allclose(upstream.Gradient, rtol: tolerance, atol: tolerance), Is.True, "gradient");
        Assert.That(ours.Value.allclose(x.to(ScalarType.Float32), rtol: 0.1, atol: 0.1), Is.False, "the rotation moves x");
    }

    [Test]
    public void Stablemax_MatchesDefinition()
    {
        var logits = tensor(new double[] { -2.0, 0.0, 3.0 });
        var s = new[] { 1 / 3.0, 1.0, 4.0 };
        var expected = s.Select(v => Math.Log(v / s.Sum())).ToArray();
        Assert.That(TrmLoss.LogStablemax(logits).data<double>().ToArray(), Is.EqualTo(expected).Within(1e-12));
    }

    [Test]
    public void DeepRecursion_GradientOnlyThroughLastRecursion()
    {
        var arch = TinyArchitecture(outer: 3, inner: 2);
        using var network = new TrmNetwork(arch, ScalarType.Float32, new Generator(0));
        network.train();
        var calls = new List<bool>();
        network.Net.OnCall = grad => calls.Add(grad);
        var (y0, z0) = network.InitialState(2, CPU);
        var answer = y0.clone().requires_grad_(true);
        var latent = z0.clone().requires_grad_(true);
        var inputs = randint(1, arch.VocabSize, new long[] { 2, arch.SequenceLength }, generator: new Generator(1));
        var (y, z, logits, halt, _) = network.DeepRecursion(answer, latent, inputs, zeros(2, ScalarType.Int64));
        logits.sum().backward();

        // T·(n+1) = 9 calls; only the last n+1 = 3 record gradients.
        Assert.That(calls, Is.EqualTo(new[] { false, false, false, false, false, false, true, true, true }));
        Assert.That(answer.grad is null || answer.grad.abs().sum().item<float>() == 0, "no gradient may reach the step's initial y through the no-grad recursions");
        Assert.That(latent.grad is null || latent.grad.abs().sum().item<float>() == 0, "no gradient may reach the step's initial z through the no-grad recursions");
        var weightGrad = network.named_parameters().First(p => p.name == "L_level.layers.0.mlp.down_proj.weight").parameter.grad;
        Assert.That(weightGrad, Is.Not.Null);
        Assert.That(weightGrad!.abs().sum().item<float>(), Is.GreaterThan(0f));
        var tokenGrad = network.named_parameters().First(p => p.name == "embed_tokens.embedding_weight").parameter.grad;
        Assert.That(tokenGrad!.abs().sum().item<float>(), Is.GreaterThan(0f), "x is injected in the last recursion, so the embeddings learn");
    }

    [Test]
    public void DeepRecursion_WithOneOuterCycle_GradientReachesInitialState()
    {
        // Control for the test above: with T = 1 the only recursion records gradients, so y and z receive them.
        var arch = TinyArchitecture(outer: 1, inner: 2);
        using var network = new TrmNetwork(arch, ScalarType.Float32, new Generator(0));
        var (y0, z0) = network.InitialState(2, CPU);
        var answer = y0.clone().requires_grad_(true);
        var inputs = randint(1, arch.VocabSize, new long[] { 2, arch.SequenceLength }, generator: new Generator(1));
        var (_, _, logits, _, _) = network.DeepRecursion(answer, z0, inputs, zeros(2, ScalarType.Int64));
        logits.sum().backward();
        Assert.That(answer.grad!.abs().sum().item<float>(), Is.GreaterThan(0f));
    }

    [Test]
    public void SupervisionStep_CarryIsDetached_AndHaltedRowsReset()
    {
        var arch = TinyArchitecture(outer: 2, inner: 1);
        using var network = new TrmNetwork(arch, ScalarType.Float32, new Generator(0));
        network.train();
        var carry = TrmSupervisionStep.EmptyCarry(arch, 3, CPU);
        var inputs = randint(1, arch.VocabSize, new long[] { 3, arch.SequenceLength }, generator: new Generator(2));
        var labels = inputs.clone();
        var first = TrmSupervisionStep.Run(network, carry, inputs, labels, zeros(3, ScalarType.Int64), training: true, explorationDraws: null);
        Assert.That(first.Carry.Answer.requires_grad, Is.False);
        Assert.That(first.Carry.Latent.requires_grad, Is.False);
        Assert.That(first.Carry.Steps.data<long>().ToArray(), Is.EqualTo(new long[] { 1, 1, 1 }));
        // halt logits start at −5, so no row halts before N_sup.
        Assert.That(first.Carry.Halted.any().item<bool>(), Is.False);

        // Force row 1 to be halted: it must restart at step 1 with the new batch's example.
        var halted = tensor(new[] { false, true, false });
        var forced = new TrmCarry { Answer = first.Carry.Answer, Latent = first.Carry.Latent, Steps = first.Carry.Steps, Halted = halted, Inputs = first.Carry.Inputs, Labels = first.Carry.Labels, PuzzleIds = first.Carry.PuzzleIds };
        var other = randint(1, arch.VocabSize, new long[] { 3, arch.SequenceLength }, generator: new Generator(3));
        var second = TrmSupervisionStep.Run(network, forced, other, other, zeros(3, ScalarType.Int64), training: true, explorationDraws: null);
        Assert.That(second.Carry.Steps.data<long>().ToArray(), Is.EqualTo(new long[] { 2, 1, 2 }));
        Assert.That(second.Carry.Inputs[1].eq(other[1]).all().item<bool>(), Is.True);
        Assert.That(second.Carry.Inputs[0].eq(inputs[0]).all().item<bool>(), Is.True);
    }

    [Test]
    public void SupervisionStep_Evaluation_HaltsOnlyAtMaxSteps()
    {
        var arch = TinyArchitecture(outer: 1, inner: 1) with { MaxSupervisionSteps = 3 };
        using var network = new TrmNetwork(arch, ScalarType.Float32, new Generator(0));
        using (no_grad()) network.named_parameters().First(p => p.name == "q_head.bias").parameter.fill_(5); // halt logit > 0
        network.eval();
        var carry = TrmSupervisionStep.EmptyCarry(arch, 2, CPU);
        var inputs = ones(2, arch.SequenceLength, ScalarType.Int64);
        var haltedAt = new List<bool>();
        for (int s = 0; s < 3; s++)
        {
            carry = TrmSupervisionStep.Run(network, carry, inputs, inputs, zeros(2, ScalarType.Int64), training: false, null).Carry;
            haltedAt.Add(carry.Halted.all().item<bool>());
        }
        Assert.That(haltedAt, Is.EqualTo(new[] { false, false, true }));
        // In training the same positive halt logit halts at once.
        network.train();
        var trained = TrmSupervisionStep.Run(network, TrmSupervisionStep.EmptyCarry(arch, 2, CPU), inputs, inputs, zeros(2, ScalarType.Int64), training: true, null);
        Assert.That(trained.Carry.Halted.all().item<bool>(), Is.True);
    }

    internal static TrmArchitecture TinyArchitecture(int outer, int inner) => new()
    {
        HiddenSize = 32, NumHeads = 2, Layers = 2, OuterCycles = outer, InnerCycles = inner, MaxSupervisionSteps = 4,
        VocabSize = 6, SequenceLength = 16, NumPuzzleIdentifiers = 1, PuzzleEmbeddingDim = 32, PuzzleEmbeddingLength = 2,
    };
}
