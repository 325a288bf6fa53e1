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

/// <summary>Per-row copies of one pass-through column for the rows of the current batch.</summary>
internal interface IColumnCache
{
    /// <summary>Copies the input row's current value into <paramref name="slot"/>.</summary>
    void Fill(int slot);

    /// <summary>A ValueGetter reading the value at <paramref name="slot"/>().</summary>
    Delegate CreateGetter(Func<int> slot);
}

internal static class ColumnCache
{
    public static IColumnCache Create(DataViewRow row, DataViewSchema.Column column, int capacity)
    {
        var raw = column.Type.RawType;
        var cacheType = raw.IsGenericType && raw.GetGenericTypeDefinition() == typeof(VBuffer<>)
            ? typeof(VBufferCache<>).MakeGenericType(raw.GetGenericArguments()[0])
            : typeof(ScalarCache<>).MakeGenericType(raw);
        return (IColumnCache)Activator.CreateInstance(cacheType, row, column, capacity)!;
    }
}

internal sealed class ScalarCache<T> : IColumnCache
{
    private readonly ValueGetter<T> _source;
    private readonly T[] _values;

    public ScalarCache(DataViewRow row, DataViewSchema.Column column, int capacity)
    {
        _source = row.GetGetter<T>(column);
        _values = new T[capacity];
    }

    public void Fill(int slot) => _source(ref _values[slot]);

    public Delegate CreateGetter(Func<int> slot) => (ValueGetter<T>)((ref T value) => value = _values[slot()]);
}

internal sealed class VBufferCache<T> : IColumnCache
{
    private readonly ValueGetter<VBuffer<T>> _source;
    private readonly VBuffer<T>[] _values;
    private VBuffer<T> _scratch;

    public VBufferCache(DataViewRow row, DataViewSchema.Column column, int capacity)
    {
        _source = row.GetGetter<VBuffer<T>>(column);
        _values = new VBuffer<T>[capacity];
    }

    // Deep copies: source getters may reuse their buffers, and consumers may keep what we hand out.
    public void Fill(int slot)
    {
        _source(ref _scratch);
        _scratch.CopyTo(ref _values[slot]);
    }

    public Delegate CreateGetter(Func<int> slot) => (ValueGetter<VBuffer<T>>)((ref VBuffer<T> value) => _values[slot()].CopyTo(ref value));
}
