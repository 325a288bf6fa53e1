using Microsoft.ML.Trm.Data;

namespace Microsoft.ML.Trm.Cli;

/// <summary>
/// The pipeline piece of <c>trm train</c>, the one place that builds the chain: puzzle text → PuzzleTokens
/// (<c>EncodePuzzle</c>, saved), solution text → SolutionTokens (training only), TRM, PuzzleTokens → PredictedSolution
/// text (<c>DecodePuzzle</c>, saved). ARC rows carry tokens translated on the canvas, which the text alone cannot
/// give: they are trained on directly.
/// </summary>
internal sealed class TrainingPipeline
{
    private readonly MLContext _ml;
    private readonly PuzzleCodec _codec;
    private readonly TrmOptions _options;
    private readonly PuzzleEncodingTransformer _puzzleEncoder;

    public TrainingPipeline(MLContext ml, PuzzleCodec codec, bool arc, TrmOptions options, LoadedData train, LoadedData? valid)
    {
        _ml = ml; _codec = codec; _options = options; Arc = arc;
        if (arc)
        {
            options.PuzzleIdColumnName = PuzzleDataViews.Columns.PuzzleId;
            options.GroupColumnName = PuzzleDataViews.Columns.Group;   // one group per task: an epoch draws one variant of each
            int maxId = train.Examples.Concat(valid?.Examples ?? Array.Empty<PuzzleExample>()).Max(e => e.PuzzleId);
            options.NumPuzzleIdentifiers = Math.Max(options.NumPuzzleIdentifiers ?? 0, maxId + 1);
        }
        TrainTokens = ToTokens(train, out _puzzleEncoder);
        ValidTokens = valid is null ? null : ToTokens(valid, out _);
        if (ValidTokens is not null && options.EvaluateEverySteps == 0) options.EvaluateEverySteps = Math.Max(options.LogEverySteps, 100);
    }

    /// <summary>ARC model: the TRM reads the PuzzleId column.</summary>
    public bool Arc { get; }

    /// <summary>Training rows with PuzzleTokens and SolutionTokens.</summary>
    public IDataView TrainTokens { get; }

    /// <summary>Held-out rows with PuzzleTokens and SolutionTokens, or null.</summary>
    public IDataView? ValidTokens { get; }

    /// <summary>Trains the TRM on <see cref="TrainTokens"/>.</summary>
    public TrmTransformer Fit(TrmFitSettings settings) => _ml.Transforms.Trm(_options).Fit(TrainTokens, settings);

    /// <summary>The saved chain: puzzle encoder, the trained TRM, decoder (the solution encoder is needed only for training).</summary>
    public ITransformer Complete(TrmTransformer trm)
    {
        var decoder = _ml.Transforms.DecodePuzzle("PredictedSolution", trm.Options.PredictedTokensColumnName, _codec)
            .Fit(trm.Transform(_puzzleEncoder.Transform(TrainTokens)));
        return ModelFile.Chain(_puzzleEncoder, trm, decoder);
    }

    private IDataView ToTokens(LoadedData d, out PuzzleEncodingTransformer encoder)
    {
        var puzzleEncoder = _ml.Transforms.EncodePuzzle(PuzzleDataViews.Columns.PuzzleTokens, PuzzleDataViews.Columns.Puzzle, _codec);
        if (Arc)
        {
            var view = PuzzleDataViews.FromExamples(_ml, d.Examples, _codec);
            encoder = puzzleEncoder.Fit(view);
            return view;
        }
        var text = _ml.Data.LoadFromEnumerable(d.Examples.Select(e => new Cli.TextRow { Puzzle = e.Puzzle, Solution = e.Solution }).ToList());
        encoder = puzzleEncoder.Fit(text);
        var withPuzzle = encoder.Transform(text);
        return _ml.Transforms.EncodePuzzle(PuzzleDataViews.Columns.SolutionTokens, PuzzleDataViews.Columns.Solution, _codec).Fit(withPuzzle).Transform(withPuzzle);
    }
}
