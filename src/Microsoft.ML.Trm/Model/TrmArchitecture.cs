using System.Text.Json.Serialization;

namespace Microsoft.ML.Trm.Model;

/// <summary>
/// The numbers that define a TRM network's shape (what a saved model must carry to be rebuilt). JSON names are
/// the upstream config keys (config/arch/trm.yaml) where one exists.
/// </summary>
internal sealed record TrmArchitecture
{
    [JsonPropertyName("hidden_size")] public int HiddenSize { get; init; } = 512;
    [JsonPropertyName("num_heads")] public int NumHeads { get; init; } = 8;
    [JsonPropertyName("expansion")] public double Expansion { get; init; } = 4;
    [JsonPropertyName("L_layers")] public int Layers { get; init; } = 2;
    [JsonPropertyName("H_cycles")] public int OuterCycles { get; init; } = 3;
    [JsonPropertyName("L_cycles")] public int InnerCycles { get; init; } = 6;
    [JsonPropertyName("halt_max_steps")] public int MaxSupervisionSteps { get; init; } = 16;
    [JsonPropertyName("halt_exploration_prob")] public double HaltExplorationProbability { get; init; } = 0.1;
    [JsonPropertyName("mlp_t")] public bool MlpT { get; init; }
    [JsonPropertyName("pos_encodings")] public TrmPositionEncoding PositionEncoding { get; init; } = TrmPositionEncoding.Rope;
    [JsonPropertyName("rope_theta")] public double RopeTheta { get; init; } = 10000;
    [JsonPropertyName("rms_norm_eps")] public double RmsNormEps { get; init; } = 1e-5;
    [JsonPropertyName("puzzle_emb_ndim")] public int PuzzleEmbeddingDim { get; init; } = 512;
    [JsonPropertyName("puzzle_emb_len")] public int PuzzleEmbeddingLength { get; init; } = 16;
    [JsonPropertyName("vocab_size")] public int VocabSize { get; init; } = 11;
    [JsonPropertyName("seq_len")] public int SequenceLength { get; init; } = 81;
    [JsonPropertyName("num_puzzle_identifiers")] public int NumPuzzleIdentifiers { get; init; } = 1;

    // Comparison variants (paper Tables 1-2, HRM, direct baseline); defaults = plain TRM, so older saved JSON reads unchanged.
    [JsonPropertyName("arch_kind")] public TrmArchitectureKind Kind { get; init; } = TrmArchitectureKind.Trm;
    [JsonPropertyName("H_layers")] public int HighLevelLayers { get; init; } = 4;   // HRM only (TRM ignores H_layers, as upstream)
    [JsonPropertyName("single_z")] public bool SingleLatent { get; init; }
    [JsonPropertyName("one_step_gradient")] public bool OneStepGradient { get; init; }
    [JsonPropertyName("no_ACT_continue")] public bool NoActContinue { get; init; } = true;

    /// <summary>Positions the network sees: the puzzle-embedding prefix plus the grid.</summary>
    [JsonIgnore] public int TotalLength => SequenceLength + PrefixLength;

    /// <summary>Prefix positions actually reserved (0 when there is no puzzle embedding).</summary>
    [JsonIgnore] public int PrefixLength => PuzzleEmbeddingDim == 0 ? 0 : PuzzleEmbeddingLength == 0 ? (PuzzleEmbeddingDim + HiddenSize - 1) / HiddenSize : PuzzleEmbeddingLength;

    [JsonIgnore] public int HeadDim => HiddenSize / NumHeads;

    /// <summary>Network calls in one supervision step: T·(n+1).</summary>
    [JsonIgnore] public int CallsPerSupervisionStep => OuterCycles * (InnerCycles + 1);

    public void Validate()
    {
        static void Positive(int v, string name) { if (v <= 0) throw new ArgumentOutOfRangeException(name, v, $"{name} must be positive."); }
        Positive(HiddenSize, nameof(HiddenSize)); Positive(Layers, nameof(Layers)); Positive(OuterCycles, nameof(OuterCycles));
        Positive(InnerCycles, nameof(InnerCycles)); Positive(MaxSupervisionSteps, nameof(MaxSupervisionSteps));
        Positive(VocabSize, nameof(VocabSize)); Positive(SequenceLength, nameof(SequenceLength)); Positive(NumPuzzleIdentifiers, nameof(NumPuzzleIdentifiers));
        if (!MlpT && (NumHeads <= 0 || HiddenSize % NumHeads != 0))
            throw new ArgumentOutOfRangeException(nameof(NumHeads), NumHeads, $"NumHeads must divide HiddenSize ({HiddenSize}).");
        if (!MlpT && PositionEncoding == TrmPositionEncoding.Rope && HeadDim % 2 != 0)
            throw new ArgumentOutOfRangeException(nameof(NumHeads), NumHeads, "Rotary embeddings need an even head dimension.");
        if (PuzzleEmbeddingDim < 0 || PuzzleEmbeddingDim > PrefixLength * HiddenSize)
            throw new ArgumentOutOfRangeException(nameof(PuzzleEmbeddingDim), PuzzleEmbeddingDim, "The puzzle embedding must fit its prefix positions.");
        if (Expansion <= 0) throw new ArgumentOutOfRangeException(nameof(Expansion), Expansion, "Expansion must be positive.");
        if (Kind == TrmArchitectureKind.Hrm) Positive(HighLevelLayers, nameof(HighLevelLayers));
        if (Kind == TrmArchitectureKind.Direct && MaxSupervisionSteps != 1)
            throw new ArgumentOutOfRangeException(nameof(MaxSupervisionSteps), MaxSupervisionSteps, "The direct baseline runs exactly one supervision step.");
        if (SingleLatent && Kind != TrmArchitectureKind.Trm)
            throw new ArgumentException($"SingleLatent is a TRM ablation; it cannot be combined with the {Kind} architecture.", nameof(SingleLatent));
        if (HaltExplorationProbability is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(HaltExplorationProbability), HaltExplorationProbability, "A probability must be within [0, 1].");
    }
}
