using Microsoft.ML.Data;
using Microsoft.ML.Trm.Data;
using Microsoft.ML.Trm.Inference;
using Microsoft.ML.Trm.MlNet;

namespace Microsoft.ML.Trm;

/// <summary>Computes <see cref="TrmMetrics"/> from a scored <see cref="IDataView"/> (the output of a TRM transformer).</summary>
public static class TrmEvaluator
{
    /// <summary>
    /// Reads the label tokens, predicted tokens, confidence and steps of every row. Label token 0 (PAD) is not
    /// scored. Throws <see cref="ArgumentOutOfRangeException"/> naming a missing or mistyped column.
    /// </summary>
    public static TrmMetrics Evaluate(IDataView scored, string labelColumnName = "SolutionTokens", string predictedTokensColumnName = "PredictedTokens",
        string confidenceColumnName = "Confidence", string stepsColumnName = "Steps")
    {
        ArgumentNullException.ThrowIfNull(scored);
        var schema = scored.Schema;
        var predicted = schema.GetColumnOrNull(predictedTokensColumnName) ?? throw ColumnRequirement.NotFound(predictedTokensColumnName);
        if (predicted.Type is not VectorDataViewType { IsKnownSize: true } vt)
            throw new ArgumentOutOfRangeException(nameof(scored), $"Column '{predictedTokensColumnName}' has type {predicted.Type}; expected a known-size vector of Int32.");
        int seq = vt.Size;
        ColumnRequirement.KnownSizeVector(seq, NumberDataViewType.Int32, NumberDataViewType.Single).Check(schema, labelColumnName);
        var confidence = ColumnRequirement.Scalar(NumberDataViewType.Single).Check(schema, confidenceColumnName);
        var steps = ColumnRequirement.Scalar(NumberDataViewType.Int32).Check(schema, stepsColumnName);
        var accumulator = new TrmMetricsAccumulator();
        using var cursor = scored.GetRowCursor(new[] { schema[labelColumnName], predicted, confidence, steps });
        var readLabel = ColumnReaders.Int32Vector(cursor, labelColumnName, seq);
        var readPredicted = ColumnReaders.Int32Vector(cursor, predictedTokensColumnName, seq);
        var getConfidence = cursor.GetGetter<float>(confidence);
        var getSteps = cursor.GetGetter<int>(steps);
        float c = 0; int s = 0;
        while (cursor.MoveNext())
        {
            getConfidence(ref c); getSteps(ref s);
            accumulator.Add(readLabel(), readPredicted(), c, s);
        }
        return accumulator.Result();
    }

    /// <summary>Extension form: <c>mlContext.EvaluateTrm(scored)</c>.</summary>
    public static TrmMetrics EvaluateTrm(this MLContext mlContext, IDataView scored, string labelColumnName = "SolutionTokens",
        string predictedTokensColumnName = "PredictedTokens", string confidenceColumnName = "Confidence", string stepsColumnName = "Steps")
        => Evaluate(scored, labelColumnName, predictedTokensColumnName, confidenceColumnName, stepsColumnName);

    /// <summary>
    /// Scores solution text (the output of a <see cref="TrmSolverEstimator"/> model): encodes the expected and the
    /// predicted solutions with <paramref name="codec"/> and computes the same <see cref="TrmMetrics"/> as on tokens.
    /// Throws <see cref="ArgumentOutOfRangeException"/> naming a missing or mistyped column and
    /// <see cref="PuzzleFormatException"/> naming the column and row of text the codec rejects.
    /// </summary>
    public static TrmMetrics EvaluateSolutions(IDataView scored, PuzzleCodec codec, string solutionColumnName = "Solution",
        string predictedSolutionColumnName = TrmSolverEstimator.PredictedSolutionColumnName, string confidenceColumnName = "Confidence", string stepsColumnName = "Steps")
    {
        ArgumentNullException.ThrowIfNull(scored);
        ArgumentNullException.ThrowIfNull(codec);
        var schema = scored.Schema;
        var columns = new[]
        {
            ColumnRequirement.Text.Check(schema, solutionColumnName), ColumnRequirement.Text.Check(schema, predictedSolutionColumnName),
            ColumnRequirement.Scalar(NumberDataViewType.Single).Check(schema, confidenceColumnName), ColumnRequirement.Scalar(NumberDataViewType.Int32).Check(schema, stepsColumnName),
        };
        var accumulator = new TrmMetricsAccumulator();
        using var cursor = scored.GetRowCursor(columns);
        var readSolution = ColumnReaders.Text(cursor, solutionColumnName);
        var readPredicted = ColumnReaders.Text(cursor, predictedSolutionColumnName);
        var getConfidence = cursor.GetGetter<float>(columns[2]);
        var getSteps = cursor.GetGetter<int>(columns[3]);
        float c = 0; int s = 0;
        while (cursor.MoveNext())
        {
            getConfidence(ref c); getSteps(ref s);
            accumulator.Add(Encode(codec, readSolution(), solutionColumnName, cursor.Position), Encode(codec, readPredicted(), predictedSolutionColumnName, cursor.Position), c, s);
        }
        return accumulator.Result();
    }

    /// <summary>Extension form of <see cref="EvaluateSolutions"/> with the codec of <paramref name="kind"/>: <c>mlContext.EvaluateTrmSolver(scored, PuzzleKind.Sudoku)</c>.</summary>
    public static TrmMetrics EvaluateTrmSolver(this MLContext mlContext, IDataView scored, PuzzleKind kind, string solutionColumnName = "Solution",
        string predictedSolutionColumnName = TrmSolverEstimator.PredictedSolutionColumnName, string confidenceColumnName = "Confidence", string stepsColumnName = "Steps")
        => EvaluateSolutions(scored, PuzzleKinds.CreateCodec(kind), solutionColumnName, predictedSolutionColumnName, confidenceColumnName, stepsColumnName);

    private static int[] Encode(PuzzleCodec codec, string text, string column, long row)
    {
        try
        {
            return codec.Encode(text);
        }
        catch (PuzzleFormatException ex)
        {
            throw new PuzzleFormatException($"Column '{column}', row {row}: {ex.Message}", ex);
        }
    }
}
