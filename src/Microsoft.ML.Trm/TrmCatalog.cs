using Microsoft.ML.Trm;
using Microsoft.ML.Trm.MlNet;

namespace Microsoft.ML;

public static partial class TrmCatalog
{
    /// <summary>
    /// Trains a TRM (Tiny Recursive Model) on token-vector columns with the options of a preset.
    /// Reads <paramref name="inputColumnName"/> and <paramref name="labelColumnName"/> (known-size vectors of Int32 of the
    /// same length); writes PredictedTokens (Vector&lt;Int32&gt;), Confidence (Single) and Steps (Int32).
    /// </summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="labelColumnName">Solution tokens (training only).</param>
    /// <param name="inputColumnName">Puzzle tokens.</param>
    /// <param name="preset">A name from <see cref="TrmPresets.Names"/>.</param>
    /// <param name="maxSteps">Optimiser steps to train for (null: the preset's epochs).</param>
    public static TrmEstimator Trm(this TransformsCatalog catalog, string labelColumnName = "SolutionTokens", string inputColumnName = "PuzzleTokens",
        string preset = TrmPresets.Tiny, int? maxSteps = null)
    {
        var options = TrmPresets.Create(preset);
        options.LabelColumnName = labelColumnName;
        options.InputColumnName = inputColumnName;
        options.MaxSteps = maxSteps;
        return Trm(catalog, options);
    }

    /// <summary>Trains a TRM with every option given (see <see cref="TrmOptions"/>; <see cref="TrmPresets.Create"/> gives the paper's).</summary>
    public static TrmEstimator Trm(this TransformsCatalog catalog, TrmOptions options)
        => new(MlNetInternals.GetEnvironment(catalog), options);

    /// <summary>
    /// Continues training <paramref name="model"/> (fine-tuning; with <see cref="TrmOptions.FreezeWeights"/> only the
    /// puzzle embeddings learn, e.g. for new ARC tasks). The architecture comes from the model; new puzzle identifiers
    /// start from the mean of the trained ones.
    /// </summary>
    public static TrmEstimator Trm(this TransformsCatalog catalog, TrmOptions options, TrmTransformer model)
        => new(MlNetInternals.GetEnvironment(catalog), options, model ?? throw new ArgumentNullException(nameof(model)));
}
