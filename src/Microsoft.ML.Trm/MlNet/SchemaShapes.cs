using Microsoft.ML.Data;

namespace Microsoft.ML.Trm.MlNet;

/// <summary>Builds output schemas: input columns first (same-named ones get replaced or hidden), then the new ones.</summary>
internal static class SchemaShapes
{
    /// <summary>The estimator-side output schema: <paramref name="input"/> without same-named columns, plus <paramref name="outputs"/>.</summary>
    public static SchemaShape Append(SchemaShape input, IEnumerable<(string Name, DataViewType Type)> outputs)
    {
        var added = outputs.Select(o => ToShapeColumn(o.Name, o.Type)).ToList();
        var names = added.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        return new SchemaShape(input.Where(c => !names.Contains(c.Name)).Concat(added));
    }

    /// <summary>The transformer-side output schema: every input column (indices and annotations kept), plus <paramref name="outputs"/>.</summary>
    public static DataViewSchema Append(DataViewSchema input, IEnumerable<(string Name, DataViewType Type)> outputs)
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(input); // same-named input columns become hidden
        foreach (var (name, type) in outputs)
            builder.AddColumn(name, type);
        return builder.ToSchema();
    }

    /// <summary>The shape of <paramref name="schema"/>'s visible columns (ML.NET's SchemaShape.Create is internal).</summary>
    public static SchemaShape FromSchema(DataViewSchema schema)
        => new(schema.Where(c => !c.IsHidden).Select(c => ToShapeColumn(c.Name, c.Type)));

    /// <summary>The <see cref="SchemaShape.Column"/> describing a column of type <paramref name="type"/>.</summary>
    public static SchemaShape.Column ToShapeColumn(string name, DataViewType type) => type switch
    {
        VectorDataViewType v => MlNetInternals.MakeColumn(name,
            v.IsKnownSize ? SchemaShape.Column.VectorKind.Vector : SchemaShape.Column.VectorKind.VariableVector,
            v.ItemType, v.ItemType is KeyDataViewType),
        _ => MlNetInternals.MakeColumn(name, SchemaShape.Column.VectorKind.Scalar, type, type is KeyDataViewType),
    };
}
