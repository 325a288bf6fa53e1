using Microsoft.ML.Data;

namespace Microsoft.ML.Trm.MlNet;

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
