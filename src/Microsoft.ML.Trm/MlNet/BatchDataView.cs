using Microsoft.ML.Data;

namespace Microsoft.ML.Trm.MlNet;

/// <summary>
/// Lazy <see cref="IDataView"/> over a <see cref="BatchMapper{TIn, TOut}"/>: input columns pass through, output
/// columns are computed batch by batch as cursors move.
/// </summary>
internal sealed class BatchDataView<TIn, TOut> : IDataView
{
    private readonly IDataView _input;

    public BatchDataView(BatchMapper<TIn, TOut> mapper, IDataView input)
    {
        Mapper = mapper;
        _input = input;
        Schema = mapper.GetOutputSchema(input.Schema);
    }

    public BatchMapper<TIn, TOut> Mapper { get; }

    public DataViewSchema Schema { get; }

    public bool CanShuffle => _input.CanShuffle;

    public long? GetRowCount() => _input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var active = columnsNeeded.Select(c => c.Index).ToHashSet();
        int inputCount = _input.Schema.Count;
        bool computes = active.Any(i => i >= inputCount);
        var request = active.Where(i => i < inputCount).Select(i => _input.Schema[i]);
        if (computes)
            request = request.Concat(Mapper.SourceColumns.Select(name => _input.Schema[name]));
        var cursor = _input.GetRowCursor(request.DistinctBy(c => c.Index).ToList(), rand);
        return new BatchCursor<TIn, TOut>(this, cursor, active, computes);
    }

    // One cursor is always a valid answer (callers must cope with fewer cursors than asked for).
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
        => new[] { GetRowCursor(columnsNeeded, rand) };
}
