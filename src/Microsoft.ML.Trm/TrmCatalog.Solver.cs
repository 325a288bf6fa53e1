using Microsoft.ML.Trm;
using Microsoft.ML.Trm.Data;

namespace Microsoft.ML;

public static partial class TrmCatalog
{
    /// <summary>
    /// A TRM puzzle solver from text to text: trains on rows with <paramref name="puzzleColumnName"/> and
    /// <paramref name="solutionColumnName"/> (String) and returns a model that needs only the puzzle column (plus
    /// <see cref="TrmOptions.PuzzleIdColumnName"/>, "PuzzleId" by default for <see cref="PuzzleKind.Arc"/>) and appends
    /// PredictedSolution (String), Confidence (Single) and Steps (Int32). See <see cref="TrmSolverEstimator"/>.
    /// </summary>
    /// <param name="catalog">The transforms catalog (<c>mlContext.Transforms</c>).</param>
    /// <param name="kind">The puzzle family; its built-in codec turns text into tokens and back.</param>
    /// <param name="puzzleColumnName">The puzzle text column.</param>
    /// <param name="solutionColumnName">The solution text column (training only).</param>
    /// <param name="options">Training options (null: the <see cref="TrmPresets.Tiny"/> preset). Their token column names name the intermediate columns.</param>
    public static TrmSolverEstimator TrmSolver(this TransformsCatalog catalog, PuzzleKind kind, string puzzleColumnName = "Puzzle",
        string solutionColumnName = "Solution", TrmOptions? options = null)
        => catalog.TrmSolver(PuzzleKinds.CreateCodec(kind), puzzleColumnName, solutionColumnName, options);

    /// <summary>
    /// A TRM puzzle solver from text to text with a codec of your choosing (e.g. <c>new SudokuCodec(6)</c> or
    /// <c>new MazeCodec(15)</c>, sizes no <see cref="PuzzleKind"/> names); otherwise as the <see cref="PuzzleKind"/>
    /// overload: trains on <paramref name="puzzleColumnName"/> and <paramref name="solutionColumnName"/> (String) and
    /// returns a model that needs only the puzzle column (plus <see cref="TrmOptions.PuzzleIdColumnName"/>, "PuzzleId" by
    /// default for an <see cref="ArcCodec"/>) and
    /// appends PredictedSolution (String), Confidence (Single) and Steps (Int32). See <see cref="TrmSolverEstimator"/>.
    /// </summary>
    /// <param name="catalog">The transforms catalog (<c>mlContext.Transforms</c>).</param>
    /// <param name="codec">Turns puzzle and solution text into tokens and predicted tokens back into text; saved with the model.</param>
    /// <param name="puzzleColumnName">The puzzle text column.</param>
    /// <param name="solutionColumnName">The solution text column (training only).</param>
    /// <param name="options">Training options (null: the <see cref="TrmPresets.Tiny"/> preset). Their token column names name the intermediate columns.</param>
    public static TrmSolverEstimator TrmSolver(this TransformsCatalog catalog, PuzzleCodec codec, string puzzleColumnName = "Puzzle",
        string solutionColumnName = "Solution", TrmOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(codec);
        var o = options?.Clone() ?? TrmPresets.Create(TrmPresets.Tiny);
        if (codec is ArcCodec) o.PuzzleIdColumnName ??= PuzzleDataViews.Columns.PuzzleId;
        return new TrmSolverEstimator(MlNetInternals.GetEnvironment(catalog), codec, puzzleColumnName, solutionColumnName, o);
    }

    /// <summary>A TRM puzzle solver from text to text with the options of a preset; see the <see cref="TrmOptions"/> overload.</summary>
    /// <param name="catalog">The transforms catalog (<c>mlContext.Transforms</c>).</param>
    /// <param name="preset">A name from <see cref="TrmPresets.Names"/>.</param>
    /// <param name="kind">The puzzle family.</param>
    /// <param name="puzzleColumnName">The puzzle text column.</param>
    /// <param name="solutionColumnName">The solution text column (training only).</param>
    /// <param name="maxSteps">Optimiser steps to train for (null: the preset's epochs).</param>
    public static TrmSolverEstimator TrmSolver(this TransformsCatalog catalog, string preset, PuzzleKind kind, string puzzleColumnName = "Puzzle",
        string solutionColumnName = "Solution", int? maxSteps = null)
    {
        var options = TrmPresets.Create(preset);
        options.MaxSteps = maxSteps;
        return catalog.TrmSolver(kind, puzzleColumnName, solutionColumnName, options);
    }
}
