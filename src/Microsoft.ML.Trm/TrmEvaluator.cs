using Microsoft.ML.Data;
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
}
