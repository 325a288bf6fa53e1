using Microsoft.ML.Data;

namespace Microsoft.ML.Trm.MlNet;

/// <summary>
/// Reads up to <see cref="BatchMapper{TIn, TOut}.BatchSize"/> input rows ahead, computes them in one call, then serves
/// them one by one. The input cursor has moved on by then, so active pass-through columns are cached per row.
/// </summary>
internal sealed class BatchCursor<TIn, TOut> : DataViewRowCursor
{
    private readonly BatchDataView<TIn, TOut> _view;
    private readonly DataViewRowCursor _input;
    private readonly HashSet<int> _active;
    private readonly Func<TIn>? _reader;
    private readonly Dictionary<int, IColumnCache> _caches = new();
    private readonly DataViewRowId[] _ids;
    private readonly ValueGetter<DataViewRowId> _idSource;
    private readonly List<TIn> _batch = new();
    private TOut[] _results = Array.Empty<TOut>();
    private int _count, _slot = -1;
    private long _position = -1;
    private bool _done;

    public BatchCursor(BatchDataView<TIn, TOut> view, DataViewRowCursor input, HashSet<int> active, bool computes)
    {
        _view = view;
        _input = input;
        _active = active;
        int capacity = view.Mapper.BatchSize;
        foreach (var i in active.Where(i => i < input.Schema.Count))
            _caches[i] = ColumnCache.Create(input, input.Schema[i], capacity);
        if (computes)
            _reader = view.Mapper.CreateReader(input);
        _ids = new DataViewRowId[capacity];
        _idSource = input.GetIdGetter();
    }

    public override DataViewSchema Schema => _view.Schema;

    public override long Position => _position;

    public override long Batch => 0;

    public override bool MoveNext()
    {
        if (_done)
            return false;
        if (_slot + 1 < _count)
        {
            _slot++;
            _position++;
            return true;
        }
        _count = 0;
        _batch.Clear();
        while (_count < _ids.Length && _input.MoveNext())
        {
            foreach (var cache in _caches.Values)
                cache.Fill(_count);
            _idSource(ref _ids[_count]);
            if (_reader != null)
                _batch.Add(_reader());
            _count++;
        }
        if (_count == 0)
        {
            _done = true;
            _slot = -1;
            return false;
        }
        if (_reader != null)
            _results = _view.Mapper.RunBatch(_batch);
        _slot = 0;
        _position++;
        return true;
    }

    public override bool IsColumnActive(DataViewSchema.Column column) => _active.Contains(column.Index);

    public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId value) => value = _ids[_slot];

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        if (!_active.Contains(column.Index))
            throw new InvalidOperationException($"Column '{column.Name}' was not requested when the cursor was created.");
        int inputCount = _input.Schema.Count;
        var getter = column.Index < inputCount
            ? _caches[column.Index].CreateGetter(() => _slot)
            : _view.Mapper.OutputColumns[column.Index - inputCount].CreateGetter(() => _results[_slot]);
        return getter as ValueGetter<TValue>
            ?? throw new InvalidOperationException($"Column '{column.Name}' has type {column.Type}; it cannot be read as {typeof(TValue).Name}.");
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _input.Dispose();
        base.Dispose(disposing);
    }
}
