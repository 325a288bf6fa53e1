using Microsoft.ML.Data;

namespace Microsoft.ML.Trm.MlNet;

/// <summary>
/// Typed readers over a row's input columns. Each call of the returned function reads the row's current value into a
/// NEW array or string, so values can be kept across rows (the batching cursor buffers a whole batch).
/// </summary>
internal static class ColumnReaders
{
    /// <summary>
    /// Reads a known-size vector column of Int32 or Single (dense or sparse; missing sparse slots are 0) as int[].
    /// Single values must be whole numbers in Int32 range.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The column is missing or has another type; the message names it.</exception>
    public static Func<int[]> Int32Vector(DataViewRow row, string columnName, int size)
    {
        var column = ColumnRequirement.KnownSizeVector(size, NumberDataViewType.Int32, NumberDataViewType.Single).Check(row.Schema, columnName);
        if (((VectorDataViewType)column.Type).ItemType == NumberDataViewType.Int32)
        {
            var getter = row.GetGetter<VBuffer<int>>(column);
            VBuffer<int> buffer = default;
            return () =>
            {
                getter(ref buffer);
                var values = new int[size];
                buffer.CopyTo(values);
                return values;
            };
        }
        var floatGetter = row.GetGetter<VBuffer<float>>(column);
        VBuffer<float> floats = default;
        return () =>
        {
            floatGetter(ref floats);
            var values = new int[size];
            foreach (var (slot, value) in floats.Items())
            {
                if (value != MathF.Round(value) || value < int.MinValue || value > int.MaxValue)
                    throw new FormatException($"Column '{columnName}', row {row.Position}: slot {slot} holds {value}, which is not a whole number in Int32 range.");
                values[slot] = (int)value;
            }
            return values;
        };
    }

    /// <summary>Reads a scalar text column as string.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The column is missing or is not text; the message names it.</exception>
    public static Func<string> Text(DataViewRow row, string columnName)
    {
        var column = ColumnRequirement.Text.Check(row.Schema, columnName);
        var getter = row.GetGetter<ReadOnlyMemory<char>>(column);
        ReadOnlyMemory<char> text = default;
        return () =>
        {
            getter(ref text);
            return text.ToString();
        };
    }
}
