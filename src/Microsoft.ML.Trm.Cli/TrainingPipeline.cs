using Microsoft.ML.Data;
using Microsoft.ML.Trm.Data;

namespace Microsoft.ML.Trm.Cli;

/// <summary>
/// The pipeline piece of <c>trm train</c>: Sudoku and maze train <c>mlContext.Transforms.TrmSolver(codec, ...)</c> on
/// the puzzle and solution text (its chain, encoder → TRM → decoder, is what is saved). ARC rows carry tokens translated
/// on the canvas, which the text alone cannot give (the solver encodes text only): the token-level <c>Trm</c> trains on
/// them directly, and the saved chain gets the same puzzle encoder and decoder around it.
/// </summary>
internal sealed class TrainingPipeline
{
    private readonly MLContext _ml;
    private readonly PuzzleCodec _codec;
    private readonly TrmOptions _options;
    private readonly IDataView _train;
    private readonly IDataView? _valid;

    /// <param name="ml">The context.</param>
    /// <param name="codec">The data's codec.</param>
    /// <param name="arc">ARC data (token rows with puzzle identifiers and groups).</param>
    /// <param name="options">The run's options; ARC's puzzle-id settings and, with held-out data, an evaluation cadence are added here.</param>
    /// <param name="train">Training puzzles.</param>
    /// <param name="valid">Held-out puzzles, or null.</param>
    public TrainingPipeline(MLContext ml, PuzzleCodec codec, bool arc, TrmOptions options, LoadedData train, LoadedData? valid)
    {
        (_ml, _codec, _options, Arc) = (ml, codec, options, arc);
        if (arc)
        {
            options.PuzzleIdColumnName = PuzzleDataViews.Columns.PuzzleId;
            options.GroupColumnName = PuzzleDataViews.Columns.Group;   // one group per task: an epoch draws one variant of each
            int maxId = train.Examples.Concat(valid?.Examples ?? Array.Empty<PuzzleExample>()).Max(e => e.PuzzleId);
            options.NumPuzzleIdentifiers = Math.Max(options.NumPuzzleIdentifiers ?? 0, maxId + 1);
        }
        if (valid is not null && options.EvaluateEverySteps == 0) options.EvaluateEverySteps = Math.Max(options.LogEverySteps, 100);
        _train = Rows(train);
        _valid = valid is null ? null : Rows(valid);
    }

    /// <summary>ARC model: the TRM reads the PuzzleId column.</summary>
    public bool Arc { get; }

    /// <summary>What <see cref="Fit"/> will do (steps, groups, augmentation, cost), from the library's own plan.</summary>
    public TrmTrainingPlan Plan(TrmFitSettings settings) => Arc ? Trm().Plan(_train, settings) : Solver().Plan(_train, settings);

    /// <summary>Trains; returns the chain to save (puzzle encoder, TRM, decoder) and its TRM. The held-out rows validate.</summary>
    public (ITransformer Model, TrmTransformer Trm) Fit(TrmFitSettings settings)
    {
        settings = settings.Clone();
        settings.ValidationData = _valid;
        if (!Arc)
        {
            var solver = Solver();
            solver.FitSettings = settings;
            var chain = solver.Fit(_train);
            return (chain, chain.OfType<TrmTransformer>().Single());
        }
        var trm = Trm().Fit(_train, settings);
        var encoder = _ml.Transforms.EncodePuzzle(_options.InputColumnName, PuzzleDataViews.Columns.Puzzle, _codec).Fit(_train);
        var decoder = _ml.Transforms.DecodePuzzle(TrmSolverEstimator.PredictedSolutionColumnName, trm.Options.PredictedTokensColumnName, _codec)
            .Fit(trm.Transform(_train));
        return (new TransformerChain<ITransformer>(encoder, trm, decoder), trm);
    }

    private TrmSolverEstimator Solver() => _ml.Transforms.TrmSolver(_codec, PuzzleDataViews.Columns.Puzzle, PuzzleDataViews.Columns.Solution, _options);

    private TrmEstimator Trm() => _ml.Transforms.Trm(_options);

    // Sudoku and maze: text rows (the solver encodes them); ARC: token rows with puzzle identifiers and groups.
    private IDataView Rows(LoadedData d) => Arc
        ? PuzzleDataViews.FromExamples(_ml, d.Examples, _codec)
        : _ml.Data.LoadFromEnumerable(d.Examples.Select(e => new Cli.TextRow { Puzzle = e.Puzzle, Solution = e.Solution }).ToList());
}
