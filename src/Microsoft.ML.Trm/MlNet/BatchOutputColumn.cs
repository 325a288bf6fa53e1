using Microsoft.ML.Data;

namespace Microsoft.ML.Trm.MlNet;

/// <summary>Assigns a computed value to an output column's buffer (reuse <paramref name="value"/>'s storage when possible).</summary>
internal delegate void OutputValueSetter<in TOut, TValue>(TOut result, ref TValue value);

/// <summary>An output column of a <see cref="BatchMapper{TIn, TOut}"/>: name, type and how its value comes from a <typeparamref name="TOut"/>.</summary>
internal abstract class BatchOutputColumn<TOut>
{
    private protected BatchOutputColumn(string name, DataViewType type)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        Type = type;
    }

    /// <summary>Column name.</summary>
    public string Name { get; }

    /// <summary>Column type.</summary>
    public DataViewType Type { get; }

    /// <summary>A <c>ValueGetter&lt;T&gt;</c> (T = <see cref="DataViewType.RawType"/>) reading from <paramref name="current"/>().</summary>
    internal abstract Delegate CreateGetter(Func<TOut> current);
}

/// <summary>An output column whose values have the raw type <typeparamref name="TValue"/>.</summary>
internal sealed class BatchOutputColumn<TOut, TValue> : BatchOutputColumn<TOut>
{
    private readonly OutputValueSetter<TOut, TValue> _setter;

    /// <summary>Defines the column; <paramref name="type"/>'s raw type must be <typeparamref name="TValue"/>.</summary>
    public BatchOutputColumn(string name, DataViewType type, OutputValueSetter<TOut, TValue> setter) : base(name, type)
    {
        if (type.RawType != typeof(TValue))
            throw new ArgumentException($"Column '{name}' of type {type} holds {type.RawType.Name} values, not {typeof(TValue).Name}.", nameof(type));
        _setter = setter;
    }

    internal override Delegate CreateGetter(Func<TOut> current)
        => (ValueGetter<TValue>)((ref TValue value) => _setter(current(), ref value));
}

/// <summary>Factories for common output columns.</summary>
internal static class BatchOutputColumn
{
    /// <summary>A known-size vector column filled densely from an array of exactly <paramref name="size"/> values.</summary>
    public static BatchOutputColumn<TOut> Vector<TOut, T>(string name, PrimitiveDataViewType itemType, int size, Func<TOut, T[]> values)
        => new BatchOutputColumn<TOut, VBuffer<T>>(name, new VectorDataViewType(itemType, size), (TOut result, ref VBuffer<T> value) =>
        {
            var source = values(result);
            if (source.Length != size)
                throw new InvalidOperationException($"Output column '{name}' expects {size} values, the computation produced {source.Length}.");
            var editor = VBufferEditor.Create(ref value, size);
            source.AsSpan().CopyTo(editor.Values);
            value = editor.Commit();
        });

    /// <summary>A scalar text column.</summary>
    public static BatchOutputColumn<TOut> Text<TOut>(string name, Func<TOut, string> text)
        => new BatchOutputColumn<TOut, ReadOnlyMemory<char>>(name, TextDataViewType.Instance,
            (TOut result, ref ReadOnlyMemory<char> value) => value = text(result).AsMemory());

    /// <summary>A scalar column of a primitive type (e.g. Single, Int32, Boolean).</summary>
    public static BatchOutputColumn<TOut> Scalar<TOut, T>(string name, PrimitiveDataViewType type, Func<TOut, T> scalar)
        => new BatchOutputColumn<TOut, T>(name, type, (TOut result, ref T value) => value = scalar(result));
}
