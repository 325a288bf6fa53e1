using Microsoft.ML.Data;

namespace Microsoft.ML.Trm.MlNet;

/// <summary>
/// What an input column must look like, checked the same way from <c>IEstimator.GetOutputSchema(SchemaShape)</c> and
/// <c>ITransformer.GetOutputSchema(DataViewSchema)</c>. Failures throw <see cref="ArgumentOutOfRangeException"/>
/// (ML.NET's convention for schema mismatches) with messages such as
/// "Column 'Puzzle' has type Vector&lt;Int32, 16&gt;; expected a known-size vector of Int32 or Single with 81 slots."
/// A <see cref="SchemaShape"/> does not know vector sizes, so only the kind and item type are checked there.
/// </summary>
internal sealed class ColumnRequirement
{
    private readonly PrimitiveDataViewType[] _itemTypes;
    private readonly int? _size; // null: scalar; otherwise a known-size vector with this many slots

    private ColumnRequirement(string description, PrimitiveDataViewType[] itemTypes, int? size)
    {
        Description = description;
        _itemTypes = itemTypes;
        _size = size;
    }

    /// <summary>Words completing "expected ...", e.g. "a known-size vector of Int32 or Single with 81 slots".</summary>
    public string Description { get; }

    /// <summary>A scalar text column (<c>ReadOnlyMemory&lt;char&gt;</c>).</summary>
    public static ColumnRequirement Text { get; } = new("a scalar of type String", new PrimitiveDataViewType[] { TextDataViewType.Instance }, null);

    /// <summary>A scalar of one of <paramref name="itemTypes"/>.</summary>
    public static ColumnRequirement Scalar(params PrimitiveDataViewType[] itemTypes)
        => new($"a scalar of type {JoinOr(itemTypes.Select(t => t.ToString() ?? t.RawType.Name))}", itemTypes, null);

    /// <summary>A known-size vector of one of <paramref name="itemTypes"/> with exactly <paramref name="size"/> slots.</summary>
    public static ColumnRequirement KnownSizeVector(int size, params PrimitiveDataViewType[] itemTypes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        if (itemTypes.Length == 0)
            throw new ArgumentException("At least one item type is needed.", nameof(itemTypes));
        return new($"a known-size vector of {JoinOr(itemTypes.Select(t => t.ToString() ?? t.RawType.Name))} with {size} slots", itemTypes, size);
    }

    /// <summary>True when a column of type <paramref name="type"/> satisfies this requirement.</summary>
    public bool Accepts(DataViewType type) => _size is int size
        ? type is VectorDataViewType v && v.Size == size && _itemTypes.Contains(v.ItemType)
        : _itemTypes.Contains(type);

    /// <summary>Finds <paramref name="columnName"/> in <paramref name="schema"/> and checks its type.</summary>
    public DataViewSchema.Column Check(DataViewSchema schema, string columnName)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var column = schema.GetColumnOrNull(columnName) ?? throw NotFound(columnName);
        if (!Accepts(column.Type))
            throw Mismatch(columnName, column.Type.ToString() ?? column.Type.RawType.Name);
        return column;
    }

    /// <summary>Finds <paramref name="columnName"/> in <paramref name="shape"/> and checks its kind and item type.</summary>
    public SchemaShape.Column Check(SchemaShape shape, string columnName)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var column = shape.FirstOrDefault(c => c.Name == columnName);
        if (column.Name == null)
            throw NotFound(columnName);
        var kind = _size == null ? SchemaShape.Column.VectorKind.Scalar : SchemaShape.Column.VectorKind.Vector;
        if (column.Kind != kind || column.IsKey || !_itemTypes.Contains(column.ItemType))
            throw Mismatch(columnName, Describe(column));
        return column;
    }

    /// <summary>"Input column 'X' was not found."</summary>
    public static ArgumentOutOfRangeException NotFound(string columnName)
        => new("inputSchema", $"Input column '{columnName}' was not found.");

    private ArgumentOutOfRangeException Mismatch(string columnName, string found)
        => new("inputSchema", $"Column '{columnName}' has type {found}; expected {Description}.");

    /// <summary>Type text of a schema-shape column, e.g. "Vector&lt;Int32&gt;" (sizes are unknown there).</summary>
    public static string Describe(SchemaShape.Column column)
    {
        var item = column.IsKey ? $"Key<{column.ItemType}>" : column.ItemType.ToString() ?? column.ItemType.RawType.Name;
        return column.Kind switch
        {
            SchemaShape.Column.VectorKind.Scalar => item,
            SchemaShape.Column.VectorKind.Vector => $"Vector<{item}>",
            _ => $"VarVector<{item}>",
        };
    }

    private static string JoinOr(IEnumerable<string> names)
    {
        var list = names.ToList();
        return list.Count == 1 ? list[0] : string.Join(", ", list.Take(list.Count - 1)) + " or " + list[^1];
    }
}
