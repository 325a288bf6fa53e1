using Microsoft.ML.Trm.Model;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Microsoft.ML.Trm.Onnx;

/// <summary>
/// The ONNX graph of TRM inference, built from a network's architecture and its state dict (names and shapes of
/// upstream trm.py), not from the TorchSharp modules: what <see cref="Inference.TrmInference"/> computes with
/// <c>HaltAtInference</c> off, i.e. N_sup supervision steps from (y₀, z₀), each a deep recursion of T·(n+1)
/// network calls, unrolled.
/// </summary>
/// <remarks>
/// <code>
///   x = sqrt(D)·[puzzle prefix ; embed(tokens)]  (+ learned positions: 0.7071·(… + pos))
///   y, z = H_init, L_init                          (broadcast; [hidden])
///   repeat N_sup:  repeat T:  repeat n: z = f(z + (y + x));  y = f(y + z)
///                  tokens_k = argmax(lm_head(y[:, prefix:]))
///   confidence = sigmoid(q_head(y[:, 0])[0])     (of the last step)
///   f(h) = blocks(h);  block: h = rms(h + mixer(h)); h = rms(h + swiglu(h))
/// </code>
/// Weights of linear layers are stored transposed ([in, out]) so each projection is one MatMul.
/// </remarks>
internal sealed class TrmOnnxGraph
{
    /// <summary>A float32 tensor of the state dict, row-major.</summary>
    public sealed record Weight(float[] Values, long[] Shape);

    private readonly OnnxGraphBuilder _g;
    private readonly TrmArchitecture _arch;
    private readonly Func<string, Weight> _state;
    private readonly float _eps;
    private string? _cos, _sin;

    private TrmOnnxGraph(OnnxGraphBuilder builder, TrmArchitecture arch, Func<string, Weight> state)
    {
        (_g, _arch, _state) = (builder, arch, state);
        _eps = (float)arch.RmsNormEps;
    }

    /// <summary>Adds inputs, initializers, nodes and outputs of the inference graph to <paramref name="builder"/>.</summary>
    /// <param name="builder">An empty graph.</param>
    /// <param name="arch">The architecture (plain TRM; variants are refused by the caller).</param>
    /// <param name="state">State-dict entry by name (float32).</param>
    /// <param name="supervisionSteps">N_sup steps to unroll.</param>
    /// <param name="includeStepTokens">Also output every step's tokens, [batch, steps, seq].</param>
    public static void Build(OnnxGraphBuilder builder, TrmArchitecture arch, Func<string, Weight> state, int supervisionSteps, bool includeStepTokens)
        => new TrmOnnxGraph(builder, arch, state).Build(supervisionSteps, includeStepTokens);

    private void Build(int supervisionSteps, bool includeStepTokens)
    {
        var g = _g;
        int seq = _arch.SequenceLength;
        var tokens = g.Input(TrmOnnxNames.Tokens, DataType.Int64, TrmOnnxNames.BatchDimension, seq);
        var puzzleIds = _arch.NumPuzzleIdentifiers > 1 && _arch.PuzzleEmbeddingDim > 0
            ? g.Input(TrmOnnxNames.PuzzleIds, DataType.Int64, TrmOnnxNames.BatchDimension)
            : null;

        g.Scope = "embed";
        var x = EmbedInput(tokens, puzzleIds);
        if (_arch.PositionEncoding == TrmPositionEncoding.Rope && !_arch.MlpT) RotaryTables();
        var lmHead = LinearWeight("lm_head.weight");
        var answer = Raw("H_init");
        var latent = Raw("L_init");

        var stepTokens = new List<string>();
        for (int step = 0; step < supervisionSteps; step++)
        {
            for (int t = 0; t < _arch.OuterCycles; t++)
            {
                for (int i = 0; i < _arch.InnerCycles; i++)
                {
                    g.Scope = $"step{step}/recursion{t}/latent{i}";
                    latent = Network(latent, g.Add(answer, x));
                }
                g.Scope = $"step{step}/recursion{t}/answer";
                answer = Network(answer, latent);
            }
            g.Scope = $"step{step}/output_head";
            var logits = g.MatMul(g.Slice(answer, 1, _arch.PrefixLength, _arch.TotalLength), lmHead);   // [batch, seq, vocab]
            stepTokens.Add(g.ArgMax(logits, 2));
        }

        g.Scope = "halt_head";
        // q_head row 0 is the halt logit (row 1, "continue", is not used at inference).
        var q = _state("q_head.weight");
        var haltWeight = g.Initializer("q_head.weight.halt_column", q.Values.AsSpan(0, _arch.HiddenSize), _arch.HiddenSize, 1);
        var haltBias = g.Initializer("q_head.bias.halt", _state("q_head.bias").Values.AsSpan(0, 1), 1);
        var first = g.Gather(answer, g.Int64Scalar(0), axis: 1);                                         // [batch, hidden]
        var haltLogit = g.Reshape(g.Add(g.MatMul(first, haltWeight), haltBias), -1);                     // [batch]

        g.Scope = "outputs";
        g.Output(stepTokens[^1], TrmOnnxNames.PredictedTokens, DataType.Int64, TrmOnnxNames.BatchDimension, seq);
        g.Output(g.Sigmoid(haltLogit), TrmOnnxNames.Confidence, DataType.Float, TrmOnnxNames.BatchDimension);
        if (includeStepTokens)
        {
            var all = g.Concat(1, stepTokens.Select(s => g.Unsqueeze(s, 1)).ToArray());
            g.Output(all, TrmOnnxNames.StepTokens, DataType.Int64, TrmOnnxNames.BatchDimension, supervisionSteps, seq);
        }
        g.Scope = "";
    }

    /// <summary>x = sqrt(D)·[puzzle prefix ; token embeddings] (learned positions: 0.7071·(… + pos)), [batch, prefix+seq, hidden].</summary>
    private string EmbedInput(string tokens, string? puzzleIds)
    {
        var g = _g;
        int d = _arch.HiddenSize, prefix = _arch.PrefixLength;
        var embedding = g.Gather(Raw("embed_tokens.embedding_weight"), tokens);                       // [batch, seq, hidden]
        if (_arch.PuzzleEmbeddingDim > 0)
        {
            var table = _state("puzzle_emb.weights");                                                  // [identifiers, ndim]
            int ndim = _arch.PuzzleEmbeddingDim;
            string rows;                                                                               // [batch, prefix, hidden]
            if (puzzleIds is not null)
            {
                // As TrmInference: identifiers outside the table use the blank identifier 0.
                var outside = g.Node("Or", new[]
                {
                    g.Node("Less", new[] { puzzleIds, g.Int64Scalar(0) }),
                    g.Node("GreaterOrEqual", new[] { puzzleIds, g.Int64Scalar(_arch.NumPuzzleIdentifiers) }),
                });
                var ids = g.Node("Where", new[] { outside, g.Int64Scalar(0), puzzleIds });
                var picked = g.Gather(g.Initializer("puzzle_emb.weights", table.Values, table.Shape), ids);   // [batch, ndim]
                long pad = (long)prefix * d - ndim;
                if (pad > 0) picked = g.Node("Pad", new[] { picked, g.Int64s(0, 0, 0, pad) });
                rows = g.Reshape(picked, -1, prefix, d);
            }
            else
            {
                // One identifier: the prefix is a constant row, broadcast to the batch.
                var row = new float[prefix * d];
                table.Values.AsSpan(0, ndim).CopyTo(row);
                var constant = g.Initializer("puzzle_emb.prefix", row, 1, prefix, d);
                var batch = g.Node("Shape", new[] { tokens }, OnnxGraphBuilder.Attribute("start", 0), OnnxGraphBuilder.Attribute("end", 1));
                rows = g.Node("Expand", new[] { constant, g.Concat(0, batch, g.Int64s(prefix, d)) });
            }
            embedding = g.Concat(1, rows, embedding);
        }
        if (_arch.PositionEncoding == TrmPositionEncoding.Learned)
            embedding = g.Mul(g.FloatScalar(0.707106781f), g.Add(embedding, Raw("embed_pos.embedding_weight")));
        return g.Mul(g.FloatScalar((float)Math.Sqrt(d)), embedding);
    }

    /// <summary>f(state, injection) = blocks(state + injection): the shared network (upstream L_level).</summary>
    private string Network(string state, string injection)
    {
        var h = _g.Add(state, injection);
        for (int layer = 0; layer < _arch.Layers; layer++)
            h = Block(h, $"L_level.layers.{layer}.");
        return h;
    }

    /// <summary>Post-norm block: h = rms(h + mixer(h)); h = rms(h + SwiGLU(h)). MLP-T mixes and normalises along positions.</summary>
    private string Block(string h, string prefix)
    {
        var g = _g;
        if (_arch.MlpT)
            h = RmsNorm(g.Add(h, SwiGluAlongPositions(h, prefix + "mlp_t.")), axis: 1);
        else
            h = RmsNorm(g.Add(h, Attention(h, prefix + "self_attn.")), axis: -1);
        return RmsNorm(g.Add(h, SwiGlu(h, prefix + "mlp.")), axis: -1);
    }

    /// <summary>Non-causal multi-head attention with fused QKV, rotary Q and K, softmax(QKᵀ/sqrt(d))·V, output projection.</summary>
    private string Attention(string h, string prefix)
    {
        var g = _g;
        int heads = _arch.NumHeads, headDim = _arch.HeadDim;
        var qkv = g.Reshape(g.MatMul(h, LinearWeight(prefix + "qkv_proj.weight")), 0, 0, 3L * heads, headDim);   // [batch, pos, 3·heads, headDim]
        var parts = g.SplitInto(qkv, 2, heads, heads, heads);
        string q = parts[0], k = parts[1], v = parts[2];
        if (_cos is not null)
        {
            q = Rotate(q);
            k = Rotate(k);
        }
        var scores = g.Mul(g.MatMul(g.Transpose(q, 0, 2, 1, 3), g.Transpose(k, 0, 2, 3, 1)), g.FloatScalar((float)(1.0 / Math.Sqrt(headDim))));
        var attended = g.MatMul(g.Softmax(scores, -1), g.Transpose(v, 0, 2, 1, 3));                       // [batch, heads, pos, headDim]
        var merged = g.Reshape(g.Transpose(attended, 0, 2, 1, 3), 0, 0, (long)heads * headDim);
        return g.MatMul(merged, LinearWeight(prefix + "o_proj.weight"));
    }

    /// <summary>x·cos + rotate_half(x)·sin on [batch, pos, heads, headDim]; rotate_half(x) = [−x₂ ; x₁].</summary>
    private string Rotate(string x)
    {
        var g = _g;
        long half = _arch.HeadDim / 2;
        var halves = g.SplitInto(x, 3, half, half);
        var rotated = g.Concat(3, g.Neg(halves[1]), halves[0]);
        return g.Add(g.Mul(x, _cos!), g.Mul(rotated, _sin!));
    }

    /// <summary>cos/sin tables [pos, 1, headDim] of upstream RotaryEmbedding (θ^(−2i/d), computed in float32 as there).</summary>
    private void RotaryTables()
    {
        int headDim = _arch.HeadDim, length = _arch.TotalLength;
        var invFreq = new float[headDim / 2];
        for (int i = 0; i < invFreq.Length; i++)
            invFreq[i] = 1f / MathF.Pow((float)_arch.RopeTheta, (float)(2 * i) / headDim);
        var cos = new float[length * headDim];
        var sin = new float[length * headDim];
        for (int p = 0; p < length; p++)
            for (int i = 0; i < headDim; i++)
            {
                float angle = p * invFreq[i % invFreq.Length];
                cos[p * headDim + i] = MathF.Cos(angle);
                sin[p * headDim + i] = MathF.Sin(angle);
            }
        _cos = _g.Initializer("rope.cos", cos, length, 1, headDim);
        _sin = _g.Initializer("rope.sin", sin, length, 1, headDim);
    }

    /// <summary>SwiGLU over the last axis: down(SiLU(gate(h)) ⊙ up(h)).</summary>
    private string SwiGlu(string h, string prefix)
    {
        var g = _g;
        var gateUp = _state(prefix + "gate_up_proj.weight");
        long inner = gateUp.Shape[0] / 2;
        var parts = g.SplitInto(g.MatMul(h, LinearWeight(prefix + "gate_up_proj.weight")), -1, inner, inner);
        return g.MatMul(g.Mul(Silu(parts[0]), parts[1]), LinearWeight(prefix + "down_proj.weight"));
    }

    /// <summary>MLP-T: the SwiGLU applied along positions (axis 1), W_down·(SiLU(W_gate·h) ⊙ (W_up·h)).</summary>
    private string SwiGluAlongPositions(string h, string prefix)
    {
        var g = _g;
        var gateUp = _state(prefix + "gate_up_proj.weight");
        long inner = gateUp.Shape[0] / 2;
        var parts = g.SplitInto(g.MatMul(Raw(prefix + "gate_up_proj.weight"), h), 1, inner, inner);      // [batch, inner, hidden] ×2
        return g.MatMul(Raw(prefix + "down_proj.weight"), g.Mul(Silu(parts[0]), parts[1]));               // [batch, pos, hidden]
    }

    private string Silu(string x) => _g.Mul(x, _g.Sigmoid(x));

    /// <summary>x / sqrt(mean(x², axis) + eps), no gain (upstream rms_norm).</summary>
    private string RmsNorm(string x, long axis)
    {
        var g = _g;
        var variance = g.ReduceMean(g.Mul(x, x), axis);
        return g.Mul(x, g.Reciprocal(g.Sqrt(g.Add(variance, g.FloatScalar(_eps)))));
    }

    private readonly Dictionary<string, string> _initializers = new();

    /// <summary>A state-dict tensor as it is, added once.</summary>
    private string Raw(string name)
    {
        if (_initializers.TryGetValue(name, out var existing)) return existing;
        var w = _state(name);
        return _initializers[name] = _g.Initializer(name, w.Values, w.Shape);
    }

    /// <summary>A linear layer's weight [out, in] stored transposed, [in, out], added once.</summary>
    private string LinearWeight(string name)
    {
        string key = name + ".T";
        if (_initializers.TryGetValue(key, out var existing)) return existing;
        var w = _state(name);
        long rows = w.Shape[0], cols = w.Shape[1];
        var t = new float[w.Values.Length];
        for (long r = 0; r < rows; r++)
            for (long c = 0; c < cols; c++)
                t[c * rows + r] = w.Values[r * cols + c];
        return _initializers[key] = _g.Initializer(key, t, cols, rows);
    }
}
