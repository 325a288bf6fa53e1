using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trm.Data;
using Microsoft.ML.Trm.MlNet;

namespace Microsoft.ML.Trm;

/// <summary>
/// Puzzle text in, solution text out. <c>Fit</c> encodes the puzzle and solution columns with a <see cref="PuzzleCodec"/>,
/// trains a <see cref="TrmEstimator"/> on the tokens, and returns a <see cref="TransformerChain{TLastTransformer}"/> of
/// three stages (encode puzzle → TRM → decode) that needs only the puzzle column (plus
/// <see cref="TrmOptions.PuzzleIdColumnName"/> when set, e.g. for ARC) and appends <see cref="PredictedSolutionColumnName"/>
/// (String), <see cref="TrmOptions.ConfidenceColumnName"/> (Single), <see cref="TrmOptions.StepsColumnName"/> (Int32), the
/// token columns it used, and with <see cref="TrmOptions.IncludeStepPredictions"/> the per-step columns. The chain saves
/// into a standard ML.NET model zip. Created by
/// <see cref="TrmCatalog.TrmSolver(TransformsCatalog, PuzzleKind, string, string, TrmOptions?)"/> or, with a codec of
/// any size, <see cref="TrmCatalog.TrmSolver(TransformsCatalog, PuzzleCodec, string, string, TrmOptions?)"/>; composed the way
/// ML.NET's own composite estimators are (e.g. TextFeaturizingEstimator).
/// </summary>
public sealed class TrmSolverEstimator : IEstimator<TransformerChain<ITransformer>>
{
    /// <summary>The name of the appended solution text column.</summary>
    public const string PredictedSolutionColumnName = "PredictedSolution";

    private readonly IHostEnvironment _env;
    private readonly TrmOptions _options;

    internal TrmSolverEstimator(IHostEnvironment env, PuzzleCodec codec, string puzzleColumnName, string solutionColumnName, TrmOptions options)
    {
        _env = env ?? throw new ArgumentNullException(nameof(env));
        ArgumentNullException.ThrowIfNull(codec);
        ArgumentException.ThrowIfNullOrEmpty(puzzleColumnName);
        ArgumentException.ThrowIfNullOrEmpty(solutionColumnName);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        (Codec, PuzzleColumnName, SolutionColumnName, _options) = (codec, puzzleColumnName, solutionColumnName, options.Clone());
    }

    /// <summary>The codec between text and tokens.</summary>
    public PuzzleCodec Codec { get; }

    /// <summary>The puzzle text column (training and prediction).</summary>
    public string PuzzleColumnName { get; }

    /// <summary>The solution text column (training only).</summary>
    public string SolutionColumnName { get; }

    /// <summary>A copy of the training options (token column names included).</summary>
    public TrmOptions Options => _options.Clone();

    /// <summary>
    /// Settings used by <see cref="Fit"/>: progress, cancellation, checkpoints, and validation data with the same text
    /// columns as the training data (encoded here before the TRM sees it).
    /// </summary>
    public TrmFitSettings FitSettings { get; set; } = new();

    private PuzzleEncodingEstimator PuzzleEncoder => new(_options.InputColumnName, PuzzleColumnName, Codec);

    private PuzzleEncodingEstimator SolutionEncoder => new(_options.LabelColumnName, SolutionColumnName, Codec);

    private PuzzleDecodingEstimator Decoder => new(PredictedSolutionColumnName, _options.PredictedTokensColumnName, Codec);

    /// <summary>The input shape plus the token columns, the TRM outputs and <see cref="PredictedSolutionColumnName"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The puzzle or solution column is missing or is not text; the message names it.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var tokens = PuzzleEncoder.GetOutputSchema(inputSchema);
        ColumnRequirement.Text.Check(inputSchema, SolutionColumnName);
        return Decoder.GetOutputSchema(new TrmEstimator(_env, _options).GetOutputSchema(tokens));
    }

    /// <summary>Trains on the rows of <paramref name="input"/> (puzzle and solution text) with <see cref="FitSettings"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or has the wrong type; the message names it.</exception>
    /// <exception cref="PuzzleFormatException">A puzzle or solution the codec rejects; the message names the column and row.</exception>
    public TransformerChain<ITransformer> Fit(IDataView input)
    {
        var (puzzleEncoder, tokens) = Encode(input);
        var settings = FitSettings.Clone();
        if (settings.ValidationData is { } v) settings.ValidationData = tokens(v);
        var trm = new TrmEstimator(_env, _options).Fit(tokens(input), settings);
        var decoder = Decoder.Fit(trm.Transform(puzzleEncoder.Transform(input)));
        return new TransformerChain<ITransformer>(puzzleEncoder, trm, decoder);
    }

    /// <summary>What <see cref="Fit"/> would do on <paramref name="input"/> (steps, groups, augmentation, cost), without training.</summary>
    public TrmTrainingPlan Plan(IDataView input) => Plan(input, FitSettings);

    /// <summary>What <see cref="Fit"/> would do on <paramref name="input"/> with <paramref name="settings"/>, without training.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or has the wrong type; the message names it.</exception>
    public TrmTrainingPlan Plan(IDataView input, TrmFitSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var (_, tokens) = Encode(input);
        return new TrmEstimator(_env, _options).Plan(tokens(input), settings);
    }

    // Checks the schema, fits the two encoders; returns the puzzle encoder (saved) and text rows → token rows.
    private (PuzzleEncodingTransformer Puzzle, Func<IDataView, IDataView> Tokens) Encode(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        GetOutputSchema(SchemaShapes.FromSchema(input.Schema));
        var puzzleEncoder = PuzzleEncoder.Fit(input);
        var solutionEncoder = SolutionEncoder.Fit(input);
        return (puzzleEncoder, view => solutionEncoder.Transform(puzzleEncoder.Transform(view)));
    }
}
