using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Microsoft.ML.Trm.Model;

/// <summary>
/// The TRM network of "Less is More: Recursive Reasoning with Tiny Networks" (arXiv 2510.04871), ported from
/// upstream models/recursive_reasoning/trm.py (TinyRecursiveReasoningModel_ACTV1_Inner).
/// </summary>
/// <remarks>
/// Names: the paper's answer y is upstream z_H, its latent z is upstream z_L, x is the embedded puzzle.
/// One supervision step ("deep recursion") with T = OuterCycles and n = InnerCycles is
/// <code>
///   for T−1 times, without gradient:  (y, z) = Recurse(x, y, z)
///   once, with gradient:             (y, z) = Recurse(x, y, z)
///   Recurse: n times z ← f(z + y + x); then y ← f(y + z)
/// </code>
/// so back-propagation runs through the n+1 calls of the last recursion only. Outputs: logits of y (prefix
/// dropped) and the halt/continue logits of y at position 0.
/// </remarks>
internal sealed partial class TrmNetwork : nn.Module
{
    [ComponentName(Name = "H_init")] private readonly Tensor? _answerInit;   // y₀: [hidden]; none with SingleLatent
    [ComponentName(Name = "L_init")] private readonly Tensor _latentInit;    // z₀: [hidden]
    [ComponentName(Name = "embed_tokens")] private readonly CastedEmbedding _embedTokens;
    [ComponentName(Name = "lm_head")] private readonly CastedLinear _outputHead;
    [ComponentName(Name = "q_head")] private readonly CastedLinear _haltHead;
    [ComponentName(Name = "puzzle_emb")] private readonly PuzzleEmbedding? _puzzleEmbedding;
    [ComponentName(Name = "embed_pos")] private readonly CastedEmbedding? _positionEmbedding;
    [ComponentName(Name = "H_level")] private readonly ReasoningModule? _highLevel;   // HRM only (TrmNetwork.Variants.cs)
    [ComponentName(Name = "L_level")] private readonly ReasoningModule _net;
    private readonly RotaryEmbedding? _rotary;
    private readonly double _embedScale;

    public TrmNetwork(TrmArchitecture arch, ScalarType forwardType, Generator? generator) : base(nameof(TrmNetwork))
    {
        arch.Validate();
        Architecture = arch;
        ForwardType = forwardType;
        int d = arch.HiddenSize;
        _embedScale = Math.Sqrt(d);
        double embedStd = 1.0 / _embedScale;

        // Initial states are fixed draws (std 1, cut at ±2), rounded to bfloat16 as the reference stores them.
        var answerInit = Init.TruncatedNormal_(empty(d), 1.0, generator).to(ScalarType.BFloat16).to(ScalarType.Float32);
        _answerInit = arch.SingleLatent ? null : answerInit;   // the draw is still taken, so z₀ matches plain TRM's for a seed
        if (arch.SingleLatent) answerInit.Dispose();
        _latentInit = Init.TruncatedNormal_(empty(d), 1.0, generator).to(ScalarType.BFloat16).to(ScalarType.Float32);
        _embedTokens = new CastedEmbedding(arch.VocabSize, d, embedStd, forwardType, generator);
        _outputHead = new CastedLinear(d, arch.VocabSize, withBias: false, generator);
        _haltHead = new CastedLinear(d, 2, withBias: true, generator);
        using (no_grad())
        {
            _haltHead.Weight.zero_();          // nothing halts early: sigmoid(−5) ≈ 0.0067
            _haltHead.Bias!.fill_(-5);
        }
        if (arch.PuzzleEmbeddingDim > 0)
            _puzzleEmbedding = new PuzzleEmbedding(arch.NumPuzzleIdentifiers, arch.PuzzleEmbeddingDim, forwardType);
        if (arch.PositionEncoding == TrmPositionEncoding.Learned)
            _positionEmbedding = new CastedEmbedding(arch.TotalLength, d, embedStd, forwardType, generator);
        else if (arch.PositionEncoding == TrmPositionEncoding.Rope && !arch.MlpT)
            _rotary = new RotaryEmbedding(arch.HeadDim, arch.TotalLength, arch.RopeTheta);
        if (arch.Kind == TrmArchitectureKind.Hrm)
            _highLevel = new ReasoningModule(arch with { Layers = arch.HighLevelLayers }, generator);
        _net = new ReasoningModule(arch, generator);
        RegisterComponents();
    }

    public TrmArchitecture Architecture { get; }

    /// <summary>Activation dtype: float32 on CPU; bfloat16 on CUDA by default (weights stay float32).</summary>
    public ScalarType ForwardType { get; }

    internal ReasoningModule Net => _net;
    internal PuzzleEmbedding? PuzzleTable => _puzzleEmbedding;

    /// <summary>Trainable parameters (the puzzle table is a buffer and not counted, as upstream num_params).</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>y₀ and z₀ broadcast to every row and position: [batch, prefix+seq, hidden].</summary>
    public (Tensor Answer, Tensor Latent) InitialState(long batch, Device device)
    {
        var shape = new[] { batch, Architecture.TotalLength, (long)Architecture.HiddenSize };
        return ((_answerInit ?? _latentInit).to(ForwardType).to(device).expand(shape), _latentInit.to(ForwardType).to(device).expand(shape));
    }

    /// <summary>x: sqrt(D)·[puzzle prefix ; token embeddings] (+ learned positions): [batch, prefix+seq, hidden].</summary>
    public Tensor EmbedInput(Tensor inputs, Tensor puzzleIds)
    {
        var embedding = _embedTokens.forward(inputs);                      // [batch, seq, hidden]
        if (_puzzleEmbedding is not null)
        {
            var arch = Architecture;
            var puzzle = _puzzleEmbedding.forward(puzzleIds);             // [batch, ndim]
            long pad = (long)arch.PrefixLength * arch.HiddenSize - arch.PuzzleEmbeddingDim;
            if (pad > 0) puzzle = nn.functional.pad(puzzle, new[] { 0L, pad });
            embedding = cat(new[] { puzzle.view(-1, arch.PrefixLength, arch.HiddenSize), embedding }, -2);
        }
        if (_positionEmbedding is not null)
            embedding = 0.707106781 * (embedding + _positionEmbedding.Weight.to(ForwardType));
        return _embedScale * embedding;
    }

    /// <summary>One recursion: n latent updates z ← f(z + y + x), then one answer update y ← f(y + z).</summary>
    public (Tensor Answer, Tensor Latent) Recurse(Tensor x, Tensor answer, Tensor latent)
    {
        for (int i = 0; i < Architecture.InnerCycles; i++)
            latent = _net.forward(latent, answer + x);
        answer = _net.forward(answer, latent);
        return (answer, latent);
    }

    /// <summary>
    /// One supervision step: T−1 recursions without gradient, one with. Returns the new (not yet detached)
    /// y and z, logits [batch, seq, vocab] and halt/continue logits [batch] in float32.
    /// </summary>
    public (Tensor Answer, Tensor Latent, Tensor Logits, Tensor HaltLogits, Tensor ContinueLogits) DeepRecursion(
        Tensor answer, Tensor latent, Tensor inputs, Tensor puzzleIds)
    {
        SetRotaryTables(inputs.device);
        var x = EmbedInput(inputs, puzzleIds);
        if (SequenceMajor)
        {
            // MLP-T blocks work on [seq, batch, hidden] (TrmBlock): transpose x, y and z once per supervision step.
            x = ToSequenceMajor(x); answer = ToSequenceMajor(answer); latent = ToSequenceMajor(latent);
        }
        if (IsVariant)
        {
            (answer, latent) = VariantRecursion(x, answer, latent);   // HRM, direct, TRM ablations (TrmNetwork.Variants.cs)
        }
        else
        {
            using (no_grad())
            {
                for (int t = 0; t < Architecture.OuterCycles - 1; t++)
                    (answer, latent) = Recurse(x, answer, latent);
            }
            (answer, latent) = Recurse(x, answer, latent);
        }
        if (SequenceMajor)
        {
            answer = answer.transpose(0, 1);   // views; the next step's ToSequenceMajor of them copies nothing
            latent = latent.transpose(0, 1);
        }

        var logits = _outputHead.forward(answer)[.., Architecture.PrefixLength..];
        var q = _haltHead.forward(answer[.., 0]).to(ScalarType.Float32);   // [batch, 2]
        return (answer, latent, logits, q[.., 0], q[.., 1]);
    }

    /// <summary>MLP-T keeps the recursion's state sequence-major, [seq, batch, hidden] (see <see cref="TrmBlock"/>).</summary>
    private bool SequenceMajor => Architecture.MlpT;

    private static Tensor ToSequenceMajor(Tensor t) => t.transpose(0, 1).contiguous();

    private void SetRotaryTables(Device device)
    {
        if (_rotary is null) return;
        var tables = _rotary.Tables(device);
        foreach (var block in _highLevel is null ? _net.Blocks : _net.Blocks.Concat(_highLevel.Blocks))
            if (block.Attention is { } attention) attention.Rotary = tables;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _rotary?.Dispose();
        base.Dispose(disposing);
    }
}
