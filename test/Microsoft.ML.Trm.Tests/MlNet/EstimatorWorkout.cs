using System.Reflection;
using Microsoft.ML.Data;

namespace Microsoft.ML.Trm.Tests.MlNet;

/// <summary>
/// The checks every estimator of the package goes through, in the spirit of ML.NET's TestEstimatorCore:
/// <list type="number">
/// <item>schema propagation: <c>GetOutputSchema(SchemaShape)</c> names the columns the fitted transformer appends, with
/// the same kind and item type;</item>
/// <item>the transformer's <c>GetOutputSchema(schema)</c> equals <c>Transform(data).Schema</c>, column by column;</item>
/// <item><c>Transform</c> is lazy: no cursor is opened on the input until the output is read;</item>
/// <item>invalid input fails in <c>GetOutputSchema</c> (both sides) and <c>Fit</c> with <see cref="ArgumentOutOfRangeException"/>
/// carrying the documented message;</item>
/// <item>save → load gives a transformer with identical output (every column, every row).</item>
/// </list>
/// </summary>
internal static class EstimatorWorkout
{
    /// <summary>Runs the workout; returns the fitted transformer and its loaded copy.</summary>
    /// <param name="ml">The context.</param>
    /// <param name="estimator">The estimator under test.</param>
    /// <param name="trainData">Valid training data.</param>
    /// <param name="scoreData">Data to transform (default: <paramref name="trainData"/>); may lack training-only columns.</param>
    /// <param name="invalid">Inputs that must be rejected, each with a fragment of the expected message.</param>
    public static (ITransformer Fitted, ITransformer Loaded) Run<TTransformer>(MLContext ml, IEstimator<TTransformer> estimator, IDataView trainData,
        IDataView? scoreData = null, params (IDataView Data, string Message)[] invalid) where TTransformer : class, ITransformer
    {
        scoreData ??= trainData;
        var shape = estimator.GetOutputSchema(Microsoft.ML.Trm.MlNet.SchemaShapes.FromSchema(trainData.Schema));
        var fitted = estimator.Fit(trainData);

        // 1. The estimator's shape describes the columns the transformer appends.
        var trainOutput = fitted.GetOutputSchema(trainData.Schema);
        foreach (var column in trainOutput.Where(c => !c.IsHidden && trainData.Schema.GetColumnOrNull(c.Name) is null))
        {
            var expected = shape.FirstOrDefault(c => c.Name == column.Name);
            Assert.That(expected.Name, Is.EqualTo(column.Name), $"GetOutputSchema(SchemaShape) lacks '{column.Name}'");
            var actual = Microsoft.ML.Trm.MlNet.SchemaShapes.FromSchema(trainOutput).Single(c => c.Name == column.Name);
            Assert.That((actual.Kind, actual.ItemType, actual.IsKey), Is.EqualTo((expected.Kind, expected.ItemType, expected.IsKey)), $"column '{column.Name}'");
        }

        // 2 and 3. GetOutputSchema = Transform(...).Schema, and Transform reads nothing until asked.
        var counting = new CursorCountingView(scoreData);
        var transformed = fitted.Transform(counting);
        Assert.That(counting.Cursors, Is.EqualTo(0), "Transform must be lazy");
        Assert.That(Describe(transformed.Schema), Is.EqualTo(Describe(fitted.GetOutputSchema(scoreData.Schema))));
        var output = Dump(transformed);
        Assert.That(counting.Cursors, Is.GreaterThan(0));

        // 4. Invalid inputs fail early with the documented message.
        foreach (var (data, message) in invalid)
        {
            Assert.That(() => estimator.GetOutputSchema(Microsoft.ML.Trm.MlNet.SchemaShapes.FromSchema(data.Schema)), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains(message));
            Assert.That(() => fitted.GetOutputSchema(data.Schema), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains(message));
            Assert.That(() => estimator.Fit(data), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains(message));
        }

        // 5. Save → load → identical output.
        using var stream = new MemoryStream();
        ml.Model.Save(fitted, scoreData.Schema, stream);
        stream.Position = 0;
        var loaded = new MLContext(seed: 1).Model.Load(stream, out var savedSchema);
        Assert.That(Describe(savedSchema), Is.EqualTo(Describe(scoreData.Schema)));
        Assert.That(Dump(loaded.Transform(scoreData)), Is.EqualTo(output), "the loaded model answers differently");
        return (fitted, loaded);
    }

    /// <summary>"name:type" of every visible column, in order.</summary>
    public static string[] Describe(DataViewSchema schema) => schema.Where(c => !c.IsHidden).Select(c => $"{c.Name}:{c.Type}").ToArray();

    /// <summary>Every visible value of every row as text, row by row.</summary>
    public static List<string> Dump(IDataView view)
    {
        var columns = view.Schema.Where(c => !c.IsHidden).ToList();
        using var cursor = view.GetRowCursor(columns);
        var readers = columns.Select(c => (Func<string>)ReaderMethod.MakeGenericMethod(c.Type.RawType).Invoke(null, new object[] { cursor, c })!).ToList();
        var rows = new List<string>();
        while (cursor.MoveNext())
            rows.Add(string.Join(" | ", readers.Select(r => r())));
        return rows;
    }

    private static readonly MethodInfo ReaderMethod = typeof(EstimatorWorkout).GetMethod(nameof(Reader), BindingFlags.NonPublic | BindingFlags.Static)!;

    private static Func<string> Reader<T>(DataViewRow row, DataViewSchema.Column column)
    {
        var getter = row.GetGetter<T>(column);
        T value = default!;
        return () =>
        {
            getter(ref value);
            return value switch
            {
                VBuffer<int> v => string.Join(',', v.DenseValues()),
                VBuffer<float> v => string.Join(',', v.DenseValues().Select(x => x.ToString("R"))),
                float f => f.ToString("R"),
                _ => value?.ToString() ?? "",
            };
        };
    }

    /// <summary>Passes <paramref name="inner"/> through, counting the cursors opened on it.</summary>
    private sealed class CursorCountingView(IDataView inner) : IDataView
    {
        public int Cursors;

        public bool CanShuffle => inner.CanShuffle;

        public DataViewSchema Schema => inner.Schema;

        public long? GetRowCount() => inner.GetRowCount();

        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
        {
            Interlocked.Increment(ref Cursors);
            return inner.GetRowCursor(columnsNeeded, rand);
        }

        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
        {
            Interlocked.Increment(ref Cursors);
            return inner.GetRowCursorSet(columnsNeeded, n, rand);
        }
    }
}
