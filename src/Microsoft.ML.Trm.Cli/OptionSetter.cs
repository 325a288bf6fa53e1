using System.Globalization;
using System.Reflection;

namespace Microsoft.ML.Trm.Cli;

/// <summary>Applies <c>--set Key=Value</c> to <see cref="TrmOptions"/>: any public settable property, by name, case-insensitive.</summary>
public static class OptionSetter
{
    /// <summary>The settable properties of <see cref="TrmOptions"/>, by name.</summary>
    public static IReadOnlyList<PropertyInfo> Properties { get; } = typeof(TrmOptions)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite && p.SetMethod!.IsPublic).OrderBy(p => p.Name, StringComparer.Ordinal).ToList();

    /// <summary>Applies one <c>Key=Value</c>; throws <see cref="UsageException"/> for an unknown key or a bad value.</summary>
    public static void Apply(TrmOptions options, string assignment)
    {
        int eq = assignment.IndexOf('=');
        if (eq <= 0) throw new UsageException($"--set expects Key=Value, got '{assignment}'.");
        string key = assignment[..eq].Trim(), text = assignment[(eq + 1)..].Trim();
        var property = Properties.FirstOrDefault(p => string.Equals(p.Name, key, StringComparison.OrdinalIgnoreCase))
            ?? throw new UsageException($"--set: unknown option '{key}'. Known: {string.Join(", ", Properties.Select(p => p.Name))}.");
        property.SetValue(options, Convert(property, text));
    }

    private static object? Convert(PropertyInfo property, string text)
    {
        var type = property.PropertyType;
        var underlying = Nullable.GetUnderlyingType(type);
        if (underlying is not null)
        {
            if (text.Length == 0 || text.Equals("null", StringComparison.OrdinalIgnoreCase)) return null;
            type = underlying;
        }
        string Bad(string expected) => $"--set {property.Name}={text}: expected {expected}.";
        var inv = CultureInfo.InvariantCulture;
        if (type == typeof(string)) return text;
        if (type == typeof(int))
            return int.TryParse(text, NumberStyles.Integer, inv, out var i) ? i : throw new UsageException(Bad("an integer"));
        if (type == typeof(long))
            return long.TryParse(text, NumberStyles.Integer, inv, out var l) ? l : throw new UsageException(Bad("an integer"));
        if (type == typeof(double))
            return double.TryParse(text, NumberStyles.Float, inv, out var d) ? d : throw new UsageException(Bad("a number, e.g. 3e-3"));
        if (type == typeof(float))
            return float.TryParse(text, NumberStyles.Float, inv, out var f) ? f : throw new UsageException(Bad("a number"));
        if (type == typeof(bool))
            return text.ToLowerInvariant() switch
            {
                "true" or "1" or "yes" or "on" => true,
                "false" or "0" or "no" or "off" => false,
                _ => throw new UsageException(Bad("true or false")),
            };
        if (type.IsEnum)
        {
            var names = Enum.GetNames(type);
            var match = names.FirstOrDefault(n => string.Equals(n, text.Replace("-", ""), StringComparison.OrdinalIgnoreCase));
            return match is not null ? Enum.Parse(type, match) : throw new UsageException(Bad("one of " + string.Join(", ", names)));
        }
        throw new UsageException($"--set {property.Name}: options of type {type.Name} cannot be set from the command line.");
    }

    /// <summary>The value of a property as text, for tables and help.</summary>
    public static string Format(object? value) => value switch
    {
        null => "null",
        double d => d.ToString("G", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
