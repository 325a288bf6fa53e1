using Microsoft.ML.Trm.Model;

namespace Microsoft.ML.Trm;

/// <summary>
/// Every knob of TRM training and inference. Defaults are the reference code's (config/arch/trm.yaml,
/// config/cfg_pretrain.yaml) with EMA on, as every published recipe runs; <see cref="TrmPresets"/> reproduces the
/// paper's configurations. The paper's symbols: T = <see cref="OuterCycles"/>, n = <see cref="InnerCycles"/>,
/// N_sup = <see cref="MaxSupervisionSteps"/>, y = the answer state (upstream z_H), z = the latent state (upstream z_L).
/// </summary>
public sealed class TrmOptions
{
    // ---------------------------------------------------------------- columns

    /// <summary>Input column: the puzzle as a known-size vector of Int32 (or Single) tokens.</summary>
    /// <value>Default: "PuzzleTokens".</value>
    public string InputColumnName { get; set; } = "PuzzleTokens";

    /// <summary>Label column for training: the solution tokens, same shape as the input. Token 0 (PAD) is ignored by the loss.</summary>
    /// <value>Default: "SolutionTokens".</value>
    public string LabelColumnName { get; set; } = "SolutionTokens";

    /// <summary>Optional Int32 column with each row's puzzle identifier (0 = the blank identifier). Null: every row uses 0.</summary>
    /// <value>Default: null.</value>
    public string? PuzzleIdColumnName { get; set; }

    /// <summary>Output column: predicted tokens, Vector&lt;Int32&gt; of the input's length.</summary>
    /// <value>Default: "PredictedTokens".</value>
    public string PredictedTokensColumnName { get; set; } = "PredictedTokens";

    /// <summary>Output column: halt probability sigmoid(q_halt) at the last supervision step (Single).</summary>
    /// <value>Default: "Confidence".</value>
    public string ConfidenceColumnName { get; set; } = "Confidence";

    /// <summary>Output column: supervision steps applied to the row (Int32).</summary>
    /// <value>Default: "Steps".</value>
    public string StepsColumnName { get; set; } = "Steps";

    /// <summary>If true, <c>Transform</c> also appends the prediction and confidence after every supervision step.</summary>
    /// <value>Default: false.</value>
    public bool IncludeStepPredictions { get; set; }

    /// <summary>Output column with the predictions of every step (Vector&lt;Int32&gt; of N_sup × sequence length) when <see cref="IncludeStepPredictions"/> is on.</summary>
    /// <value>Default: "StepPredictions".</value>
    public string StepPredictionsColumnName { get; set; } = "StepPredictions";

    /// <summary>Output column with the halt probability after every step (Vector&lt;Single&gt; of N_sup) when <see cref="IncludeStepPredictions"/> is on.</summary>
    /// <value>Default: "StepConfidences".</value>
    public string StepConfidencesColumnName { get; set; } = "StepConfidences";

    /// <summary>Rows sent through the model at once by <c>Transform</c>.</summary>
    /// <value>Default: 64.</value>
    public int InferenceBatchSize { get; set; } = 64;

    /// <summary>
    /// If true, inference stops updating a row once its halt logit is positive (and a batch stops when all rows
    /// halted). The reference always runs all <see cref="MaxSupervisionSteps"/> at evaluation, which is the default.
    /// </summary>
    /// <value>Default: false.</value>
    public bool HaltAtInference { get; set; }

    // ---------------------------------------------------------------- architecture

    /// <summary>Width D of every state and layer (upstream hidden_size).</summary>
    /// <value>Default: 512.</value>
    public int HiddenSize { get; set; } = 512;

    /// <summary>Attention heads (upstream num_heads); head size = HiddenSize / NumHeads.</summary>
    /// <value>Default: 8.</value>
    public int NumHeads { get; set; } = 8;

    /// <summary>SwiGLU expansion (upstream expansion); inner size = round(e·size·2/3) rounded up to a multiple of 256.</summary>
    /// <value>Default: 4.</value>
    public double Expansion { get; set; } = 4;

    /// <summary>Blocks in the single shared network (upstream L_layers).</summary>
    /// <value>Default: 2.</value>
    public int Layers { get; set; } = 2;

    /// <summary>T: recursions per supervision step; the first T−1 run without gradient (upstream H_cycles).</summary>
    /// <value>Default: 3.</value>
    public int OuterCycles { get; set; } = 3;

    /// <summary>n: latent updates z ← f(z + y + x) per recursion, before one answer update y ← f(y + z) (upstream L_cycles).</summary>
    /// <value>Default: 6 (the Maze and ARC recipes use 4).</value>
    public int InnerCycles { get; set; } = 6;

    /// <summary>N_sup: maximum supervision steps per example (upstream halt_max_steps).</summary>
    /// <value>Default: 16.</value>
    public int MaxSupervisionSteps { get; set; } = 16;

    /// <summary>Probability, per row and step, of drawing a minimum step count in {2..N_sup} during training (upstream halt_exploration_prob).</summary>
    /// <value>Default: 0.1.</value>
    public double HaltExplorationProbability { get; set; } = 0.1;

    /// <summary>Sequence mixer: self-attention or MLP-T (upstream mlp_t).</summary>
    /// <value>Default: <see cref="TrmMixer.Attention"/>.</value>
    public TrmMixer Mixer { get; set; } = TrmMixer.Attention;

    /// <summary>Positional encoding (upstream pos_encodings).</summary>
    /// <value>Default: <see cref="TrmPositionEncoding.Rope"/>.</value>
    public TrmPositionEncoding PositionEncoding { get; set; } = TrmPositionEncoding.Rope;

    /// <summary>Rotary base θ (upstream rope_theta).</summary>
    /// <value>Default: 10000.</value>
    public double RopeTheta { get; set; } = 10000;

    /// <summary>RMSNorm epsilon (upstream rms_norm_eps).</summary>
    /// <value>Default: 1e-5.</value>
    public double RmsNormEpsilon { get; set; } = 1e-5;

    /// <summary>Prefix positions reserved for the puzzle embedding (upstream puzzle_emb_len).</summary>
    /// <value>Default: 16.</value>
    public int PuzzleEmbeddingLength { get; set; } = 16;

    /// <summary>Width of each puzzle's learned vector (upstream puzzle_emb_ndim); null = HiddenSize; 0 = no puzzle embedding.</summary>
    /// <value>Default: null (= HiddenSize).</value>
    public int? PuzzleEmbeddingDim { get; set; }

    /// <summary>Token vocabulary including PAD; null = largest token in the training data + 1.</summary>
    /// <value>Default: null.</value>
    public int? VocabSize { get; set; }

    /// <summary>Rows of the puzzle-embedding table; null = largest identifier in the training data + 1.</summary>
    /// <value>Default: null.</value>
    public int? NumPuzzleIdentifiers { get; set; }

    // ---------------------------------------------------------------- comparison variants (paper Tables 1-2, §6.2 of docs)

    /// <summary>
    /// The model family: TRM, HRM (two networks, 1-step gradient) or the direct-prediction baseline (one pass of the
    /// blocks, one supervision step). See <see cref="TrmArchitectureKind"/>; preset "hrm" is HRM's Sudoku recipe.
    /// </summary>
    /// <value>Default: <see cref="TrmArchitectureKind.Trm"/>.</value>
    public TrmArchitectureKind Architecture { get; set; } = TrmArchitectureKind.Trm;

    /// <summary>Blocks of HRM's high-level network H_level (upstream H_layers); only used by <see cref="TrmArchitectureKind.Hrm"/>.</summary>
    /// <value>Default: 4.</value>
    public int HighLevelLayers { get; set; } = 4;

    /// <summary>
    /// TRM ablation "single z" (paper Table 2: 71.9% vs 87.4% with y and z; upstream trm_singlez.py): only one latent z is
    /// carried; each recursion is n times z ← f(z + x) then once z ← f(z), and the answer and halt logits are read from z.
    /// There is no y and no H_init. TRM only.
    /// </summary>
    /// <value>Default: false.</value>
    public bool SingleLatent { get; set; }

    /// <summary>
    /// TRM ablation "1-step gradient" (paper Table 1: 56.5% vs 87.4%): instead of back-propagating through all n+1 calls of
    /// the last recursion, only the final latent update z ← f(z + y + x) and the final answer update y ← f(y + z) record
    /// gradients (HRM's 1-step approximation; everything earlier runs under no_grad). TRM only; HRM always works this way.
    /// </summary>
    /// <value>Default: false.</value>
    public bool OneStepGradient { get; set; }

    /// <summary>
    /// HRM-style ACT with the Q-continue loss (upstream no_ACT_continue = false; paper Table 1 "w/ ACT": 86.1% vs 87.4%
    /// without): in training a row halts when its halt logit exceeds its continue logit (instead of halt logit &gt; 0), and
    /// each step runs an extra no-grad forward pass on the new carry to get the continue target
    /// sigmoid(last step ? q_halt' : max(q_halt', q_continue')); the loss adds 0.5·BCE(q_continue, target). The released TRM
    /// code crashes on this path (it unpacks five values from a three-value return); this implementation follows HRM's
    /// hrm_act_v1.py, which the TRM code was forked from.
    /// </summary>
    /// <value>Default: false (TRM); true in preset "hrm".</value>
    public bool ActContinueLoss { get; set; }

    // ---------------------------------------------------------------- training

    /// <summary>Examples per optimiser step (upstream global_batch_size).</summary>
    /// <value>Default: 768.</value>
    public int BatchSize { get; set; } = 768;

    /// <summary>Passes over the training groups (upstream epochs); total steps = int(Epochs · groups · mean rows per puzzle / BatchSize).</summary>
    /// <value>Default: 50000 (the README's Sudoku and Maze recipes; the paper says 60000).</value>
    public int Epochs { get; set; } = 50000;

    /// <summary>
    /// Epochs per sampling iteration (upstream eval_interval): the sampler streams this many epochs of shuffled groups as
    /// one sequence, drops its last incomplete batch, and validation runs after each iteration. Null: one iteration of
    /// all <see cref="Epochs"/> (validation at the end and every <see cref="EvaluateEverySteps"/> steps).
    /// </summary>
    /// <value>Default: null (the paper presets: 5000 for Sudoku and Maze, 2000 for HRM, 10000 for ARC).</value>
    public int? EvaluateEveryEpochs { get; set; }

    /// <summary>On-the-fly augmentation of the training rows; see <see cref="TrmAugmentation"/>.</summary>
    /// <value>Default: <see cref="TrmAugmentation.None"/> (the Sudoku presets and "hrm": <see cref="TrmAugmentation.Sudoku"/>).</value>
    public TrmAugmentation Augmentation { get; set; } = TrmAugmentation.None;

    /// <summary>Variants besides the original per puzzle with <see cref="TrmAugmentation.Sudoku"/> (upstream num_aug); Dihedral always has 7.</summary>
    /// <value>Default: 1000.</value>
    public int AugmentationVariants { get; set; } = 1000;

    /// <summary>
    /// Optional column (text or Int32) naming each row's group: the original puzzle or ARC task its row (or augmentation)
    /// comes from. Rows of one group with the same puzzle identifier form one puzzle; an epoch draws one puzzle per group and
    /// trains on all its rows. Null, or an empty value: every row is its own group.
    /// </summary>
    /// <value>Default: null.</value>
    public string? GroupColumnName { get; set; }

    /// <summary>If set, training stops after this many optimiser steps (whichever of this and Epochs comes first).</summary>
    /// <value>Default: null.</value>
    public int? MaxSteps { get; set; }

    /// <summary>Peak learning rate of the network weights (upstream lr).</summary>
    /// <value>Default: 1e-4.</value>
    public double LearningRate { get; set; } = 1e-4;

    /// <summary>Linear warm-up from 0 over this many steps (upstream lr_warmup_steps).</summary>
    /// <value>Default: 2000.</value>
    public int LearningRateWarmupSteps { get; set; } = 2000;

    /// <summary>Cosine decay floor as a fraction of the peak; 1 = constant after warm-up (upstream lr_min_ratio).</summary>
    /// <value>Default: 1.0.</value>
    public double MinLearningRateRatio { get; set; } = 1.0;

    /// <summary>Adam β1 (upstream beta1).</summary>
    /// <value>Default: 0.9.</value>
    public double Beta1 { get; set; } = 0.9;

    /// <summary>Adam β2 (upstream beta2).</summary>
    /// <value>Default: 0.95.</value>
    public double Beta2 { get; set; } = 0.95;

    /// <summary>Decoupled weight decay of the network weights (upstream weight_decay).</summary>
    /// <value>Default: 0.1 (the Sudoku and Maze recipes use 1.0).</value>
    public double WeightDecay { get; set; } = 0.1;

    /// <summary>Learning rate of the sign-SGD puzzle-embedding optimiser (upstream puzzle_emb_lr).</summary>
    /// <value>Default: 1e-2 (the Sudoku and Maze recipes use 1e-4).</value>
    public double PuzzleEmbeddingLearningRate { get; set; } = 1e-2;

    /// <summary>Weight decay of the puzzle embeddings (upstream puzzle_emb_weight_decay).</summary>
    /// <value>Default: 0.1 (the Sudoku and Maze recipes use 1.0).</value>
    public double PuzzleEmbeddingWeightDecay { get; set; } = 0.1;

    /// <summary>Optimiser of the network weights.</summary>
    /// <value>Default: <see cref="TrmOptimizer.AdamAtan2"/> (what the reference code runs; the paper says AdamW).</value>
    public TrmOptimizer Optimizer { get; set; } = TrmOptimizer.AdamAtan2;

    /// <summary>Epsilon of AdamW (AdamATan2 has none).</summary>
    /// <value>Default: 1e-8.</value>
    public double AdamEpsilon { get; set; } = 1e-8;

    /// <summary>Answer loss (upstream loss.loss_type).</summary>
    /// <value>Default: <see cref="TrmLossType.Stablemax"/>.</value>
    public TrmLossType Loss { get; set; } = TrmLossType.Stablemax;

    /// <summary>Keep an exponential moving average of the weights for evaluation and the saved model (upstream ema).</summary>
    /// <value>Default: true.</value>
    public bool UseEma { get; set; } = true;

    /// <summary>EMA decay μ: shadow ← μ·shadow + (1−μ)·θ after every step (upstream ema_rate).</summary>
    /// <value>Default: 0.999.</value>
    public double EmaRate { get; set; } = 0.999;

    /// <summary>
    /// Train only the puzzle embeddings, keeping the network weights fixed (upstream freeze_weights; used to adapt a
    /// trained model to new puzzles, e.g. new ARC tasks).
    /// </summary>
    /// <value>Default: false.</value>
    public bool FreezeWeights { get; set; }

    /// <summary>Seed of every random draw (initialisation, data order, exploration).</summary>
    /// <value>Default: 0.</value>
    public int Seed { get; set; }

    /// <summary>Arithmetic of the forward and backward passes.</summary>
    /// <value>Default: <see cref="TrmPrecision.Auto"/> (float32 on CPU, bfloat16 on CUDA).</value>
    public TrmPrecision Precision { get; set; } = TrmPrecision.Auto;

    /// <summary>Log a progress line every this many steps (through <c>MLContext.Log</c>).</summary>
    /// <value>Default: 100.</value>
    public int LogEverySteps { get; set; } = 100;

    /// <summary>Evaluate on the validation data every this many steps (0 = only at the end).</summary>
    /// <value>Default: 0.</value>
    public int EvaluateEverySteps { get; set; }

    /// <summary>Returns a copy of these options.</summary>
    public TrmOptions Clone() => (TrmOptions)MemberwiseClone();

    /// <summary>Checks every value and throws <see cref="ArgumentOutOfRangeException"/> naming the first bad option.</summary>
    public void Validate()
    {
        static void Positive(double v, string name) { if (!(v > 0)) throw new ArgumentOutOfRangeException(name, v, $"{name} must be positive."); }
        static void NonNegative(double v, string name) { if (!(v >= 0)) throw new ArgumentOutOfRangeException(name, v, $"{name} must be zero or positive."); }
        static void Fraction(double v, string name) { if (!(v >= 0 && v <= 1)) throw new ArgumentOutOfRangeException(name, v, $"{name} must be within [0, 1]."); }
        static void Column(string? v, string name) { if (string.IsNullOrWhiteSpace(v)) throw new ArgumentOutOfRangeException(name, v, $"{name} must name a column."); }
        Column(InputColumnName, nameof(InputColumnName)); Column(LabelColumnName, nameof(LabelColumnName));
        Column(PredictedTokensColumnName, nameof(PredictedTokensColumnName)); Column(ConfidenceColumnName, nameof(ConfidenceColumnName));
        Column(StepsColumnName, nameof(StepsColumnName));
        Positive(InferenceBatchSize, nameof(InferenceBatchSize));
        Positive(HiddenSize, nameof(HiddenSize)); Positive(Expansion, nameof(Expansion)); Positive(Layers, nameof(Layers));
        Positive(OuterCycles, nameof(OuterCycles)); Positive(InnerCycles, nameof(InnerCycles)); Positive(MaxSupervisionSteps, nameof(MaxSupervisionSteps));
        Fraction(HaltExplorationProbability, nameof(HaltExplorationProbability));
        if (Mixer == TrmMixer.Attention && (NumHeads <= 0 || HiddenSize % NumHeads != 0))
            throw new ArgumentOutOfRangeException(nameof(NumHeads), NumHeads, $"NumHeads must be positive and divide HiddenSize ({HiddenSize}).");
        Positive(RopeTheta, nameof(RopeTheta)); Positive(RmsNormEpsilon, nameof(RmsNormEpsilon));
        NonNegative(PuzzleEmbeddingLength, nameof(PuzzleEmbeddingLength));
        if (PuzzleEmbeddingDim is { } dim) NonNegative(dim, nameof(PuzzleEmbeddingDim));
        if (VocabSize is { } vocab) Positive(vocab, nameof(VocabSize));
        if (NumPuzzleIdentifiers is { } ids) Positive(ids, nameof(NumPuzzleIdentifiers));
        Positive(BatchSize, nameof(BatchSize)); Positive(Epochs, nameof(Epochs));
        if (MaxSteps is { } steps) Positive(steps, nameof(MaxSteps));
        if (EvaluateEveryEpochs is { } everyEpochs) Positive(everyEpochs, nameof(EvaluateEveryEpochs));
        if (!Enum.IsDefined(Augmentation)) throw new ArgumentOutOfRangeException(nameof(Augmentation), Augmentation, "Augmentation must be None, Sudoku or Dihedral.");
        NonNegative(AugmentationVariants, nameof(AugmentationVariants));
        Positive(LearningRate, nameof(LearningRate)); NonNegative(LearningRateWarmupSteps, nameof(LearningRateWarmupSteps));
        Fraction(MinLearningRateRatio, nameof(MinLearningRateRatio));
        if (!(Beta1 >= 0 && Beta1 < 1)) throw new ArgumentOutOfRangeException(nameof(Beta1), Beta1, "Beta1 must be within [0, 1).");
        if (!(Beta2 >= 0 && Beta2 < 1)) throw new ArgumentOutOfRangeException(nameof(Beta2), Beta2, "Beta2 must be within [0, 1).");
        NonNegative(WeightDecay, nameof(WeightDecay)); NonNegative(PuzzleEmbeddingLearningRate, nameof(PuzzleEmbeddingLearningRate));
        NonNegative(PuzzleEmbeddingWeightDecay, nameof(PuzzleEmbeddingWeightDecay)); Positive(AdamEpsilon, nameof(AdamEpsilon));
        if (!(EmaRate >= 0 && EmaRate < 1)) throw new ArgumentOutOfRangeException(nameof(EmaRate), EmaRate, "EmaRate must be within [0, 1).");
        Positive(LogEverySteps, nameof(LogEverySteps)); NonNegative(EvaluateEverySteps, nameof(EvaluateEverySteps));
        Positive(HighLevelLayers, nameof(HighLevelLayers));
        if (SingleLatent && Architecture != TrmArchitectureKind.Trm)
            throw new ArgumentOutOfRangeException(nameof(SingleLatent), SingleLatent, $"SingleLatent is a TRM ablation and cannot be used with {Architecture}.");
    }

    /// <summary>The network shape for data of the given vocabulary, sequence length and identifier count.</summary>
    internal TrmArchitecture ToArchitecture(int vocabSize, int sequenceLength, int numPuzzleIdentifiers) => new()
    {
        HiddenSize = HiddenSize,
        NumHeads = NumHeads,
        Expansion = Expansion,
        Layers = Layers,
        OuterCycles = OuterCycles,
        InnerCycles = InnerCycles,
        MaxSupervisionSteps = Architecture == TrmArchitectureKind.Direct ? 1 : MaxSupervisionSteps,
        HaltExplorationProbability = HaltExplorationProbability,
        MlpT = Mixer == TrmMixer.MlpT,
        PositionEncoding = PositionEncoding,
        RopeTheta = RopeTheta,
        RmsNormEps = RmsNormEpsilon,
        PuzzleEmbeddingDim = PuzzleEmbeddingDim ?? HiddenSize,
        PuzzleEmbeddingLength = PuzzleEmbeddingLength,
        VocabSize = vocabSize,
        SequenceLength = sequenceLength,
        NumPuzzleIdentifiers = numPuzzleIdentifiers,
        Kind = Architecture,
        HighLevelLayers = HighLevelLayers,
        SingleLatent = SingleLatent,
        OneStepGradient = OneStepGradient,
        NoActContinue = !ActContinueLoss,
    };
}
