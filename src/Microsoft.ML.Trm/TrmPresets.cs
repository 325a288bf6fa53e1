namespace Microsoft.ML.Trm;

/// <summary>
/// Named configurations. The four paper presets reproduce the reference recipes (README commands of
/// SamsungSAILMontreal/TinyRecursiveModels); <c>tiny</c> is ours, sized to learn small grids on a CPU in minutes.
/// </summary>
public static class TrmPresets
{
    /// <summary>Sudoku-Extreme with MLP-T: 5,028,866 parameters, 87.4% in the paper.</summary>
    public const string SudokuMlp = "sudoku-mlp";

    /// <summary>Sudoku-Extreme with self-attention: 6,828,034 parameters, 74.7% in the paper.</summary>
    public const string SudokuAtt = "sudoku-att";

    /// <summary>Maze-Hard 30×30 with self-attention: 6,822,914 parameters, 85.3% in the paper.</summary>
    public const string MazeAtt = "maze-att";

    /// <summary>ARC-AGI with self-attention: 6,829,058 parameters, 44.6% (ARC-AGI-1) in the paper.</summary>
    public const string ArcAtt = "arc-att";

    /// <summary>
    /// HRM's Sudoku-Extreme recipe (sapientinc/HRM config/arch/hrm_v1.yaml + README): <see cref="TrmArchitectureKind.Hrm"/>,
    /// H_level and L_level of 4 attention blocks each, H_cycles 2, L_cycles 2, 1-position puzzle prefix, Q-learning ACT with
    /// the continue loss, no EMA, 20000 epochs. 27,275,266 parameters with the Sudoku vocabulary; 55.0% in the paper.
    /// </summary>
    public const string Hrm = "hrm";

    /// <summary>
    /// A small MLP-T model (hidden 64, T=2, n=2, N_sup=4) that learns 4×4 Sudoku on a CPU in seconds. MLP-T, not
    /// attention: at this size attention learned 4×4 Sudoku to ~10% exact in 400 steps where MLP-T reached 99% in 200
    /// (the paper also finds MLP-T best on Sudoku).
    /// </summary>
    public const string Tiny = "tiny";

    /// <summary>All preset names.</summary>
    public static IReadOnlyList<string> Names { get; } = new[] { SudokuMlp, SudokuAtt, MazeAtt, ArcAtt, Hrm, Tiny };

    /// <summary>Creates the options of a preset.</summary>
    /// <exception cref="ArgumentException">The name is not one of <see cref="Names"/>.</exception>
    public static TrmOptions Create(string name)
    {
        var o = new TrmOptions();
        switch (name)
        {
            case SudokuMlp:
                Paper(o, vocab: 11, innerCycles: 6, weightDecay: 1.0, puzzleLr: 1e-4, puzzleWd: 1.0);
                o.Mixer = TrmMixer.MlpT;
                o.PositionEncoding = TrmPositionEncoding.None;
                o.Augmentation = TrmAugmentation.Sudoku;
                break;
            case SudokuAtt:
                Paper(o, vocab: 11, innerCycles: 6, weightDecay: 1.0, puzzleLr: 1e-4, puzzleWd: 1.0);
                o.Augmentation = TrmAugmentation.Sudoku;
                break;
            case MazeAtt:
                Paper(o, vocab: 6, innerCycles: 4, weightDecay: 1.0, puzzleLr: 1e-4, puzzleWd: 1.0);
                break;
            case ArcAtt:
                Paper(o, vocab: 12, innerCycles: 4, weightDecay: 0.1, puzzleLr: 1e-2, puzzleWd: 0.1);
                o.Epochs = 100000; o.EvaluateEveryEpochs = 10000;   // variants come from 'trm generate arc' (groups in the data)
                break;
            case Hrm:
                Paper(o, vocab: 11, innerCycles: 2, weightDecay: 1.0, puzzleLr: 1e-4, puzzleWd: 1.0);
                o.Architecture = TrmArchitectureKind.Hrm;
                o.OuterCycles = 2; o.Layers = 4; o.HighLevelLayers = 4;
                o.PuzzleEmbeddingLength = 0;   // ceil(puzzle_emb_ndim / hidden) = 1 prefix position
                o.ActContinueLoss = true;
                o.UseEma = false;
                o.Epochs = 20000; o.EvaluateEveryEpochs = 2000;
                o.Augmentation = TrmAugmentation.Sudoku;
                break;
            case Tiny:
                o.HiddenSize = 64; o.NumHeads = 4; o.Layers = 2;
                o.Mixer = TrmMixer.MlpT; o.PositionEncoding = TrmPositionEncoding.None;
                o.OuterCycles = 2; o.InnerCycles = 2; o.MaxSupervisionSteps = 4;
                o.BatchSize = 64; o.LearningRate = 3e-3; o.LearningRateWarmupSteps = 20;
                o.WeightDecay = 0.1; o.PuzzleEmbeddingLearningRate = 1e-2; o.PuzzleEmbeddingWeightDecay = 0.1;
                o.EmaRate = 0.99; o.Epochs = 100; o.LogEverySteps = 50;
                break;
            default:
                throw new ArgumentException($"Unknown preset '{name}'. Known presets: {string.Join(", ", Names)}.", nameof(name));
        }
        return o;
    }

    private static void Paper(TrmOptions o, int vocab, int innerCycles, double weightDecay, double puzzleLr, double puzzleWd)
    {
        o.VocabSize = vocab;
        o.HiddenSize = 512; o.NumHeads = 8; o.Expansion = 4; o.Layers = 2;
        o.OuterCycles = 3; o.InnerCycles = innerCycles; o.MaxSupervisionSteps = 16;
        o.BatchSize = 768; o.LearningRate = 1e-4; o.LearningRateWarmupSteps = 2000; o.MinLearningRateRatio = 1.0;
        o.WeightDecay = weightDecay; o.PuzzleEmbeddingLearningRate = puzzleLr; o.PuzzleEmbeddingWeightDecay = puzzleWd;
        o.UseEma = true; o.EmaRate = 0.999; o.Epochs = 50000; o.EvaluateEveryEpochs = 5000;
    }
}
