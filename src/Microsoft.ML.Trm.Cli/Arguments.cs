using System.Globalization;
using System.Text;

namespace Microsoft.ML.Trm.Cli;

/// <summary>A command-line mistake: the tool prints one line and exits with code 2.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>One option of a command: <c>--name VALUE</c> (or <c>--name=VALUE</c>), or a flag <c>--name</c>.</summary>
public sealed record OptionSpec(string Name, string Help, string? Default = null, string? ValueName = null, bool Repeatable = false)
{
    /// <summary>What --help shows as the default when it is not a literal value (e.g. "the preset's epochs").</summary>
    public string? DefaultText { get; init; }

    /// <summary>A flag takes no value.</summary>
    public bool IsFlag => ValueName is null;
}

/// <summary>A command's syntax: options and positional arguments, for parsing and for <c>--help</c>.</summary>
public sealed class CommandSpec(string name, string summary, string usage, params OptionSpec[] options)
{
    public string Name { get; } = name;
    public string Summary { get; } = summary;
    public string Usage { get; } = usage;
    public IReadOnlyList<OptionSpec> Options { get; } = options;
    public int MaxPositionals { get; init; }
    public string? Notes { get; init; }

    /// <summary>Parses <paramref name="args"/>; throws <see cref="UsageException"/> naming the bad argument.</summary>
    public ParsedArgs Parse(IReadOnlyList<string> args)
    {
        var result = new ParsedArgs(this);
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            if (a == "--verbose") continue; // global: handled by Cli.Run
            if (a == "--")
            {
                for (i++; i < args.Count; i++) result.AddPositional(args[i]);
                break;
            }
            if (a.StartsWith("--", StringComparison.Ordinal) && a.Length > 2)
            {
                string name = a[2..];
                string? value = null;
                int eq = name.IndexOf('=');
                if (eq >= 0) { value = name[(eq + 1)..]; name = name[..eq]; }
                var spec = Options.FirstOrDefault(o => string.Equals(o.Name, name, StringComparison.Ordinal))
                    ?? throw new UsageException($"unknown option '--{name}' for 'trm {Name}' (see 'trm {Name} --help').");
                if (spec.IsFlag)
                {
                    if (value is not null) throw new UsageException($"option '--{name}' of 'trm {Name}' takes no value.");
                    result.Set(spec, "true");
                    continue;
                }
                if (value is null)
                {
                    if (i + 1 >= args.Count) throw new UsageException($"option '--{name}' of 'trm {Name}' needs a value ({spec.ValueName}).");
                    value = args[++i];
                }
                result.Set(spec, value);
            }
            else if (a.StartsWith('-') && a.Length > 1 && !IsNumber(a))
                throw new UsageException($"unknown option '{a}' for 'trm {Name}' (options start with '--'; see 'trm {Name} --help').");
            else result.AddPositional(a);
        }
        if (result.Positionals.Count > MaxPositionals)
            throw new UsageException($"unexpected argument '{result.Positionals[MaxPositionals]}' for 'trm {Name}' (see 'trm {Name} --help').");
        return result;
    }

    private static bool IsNumber(string s) => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    /// <summary>The <c>--help</c> text: usage, summary, and each option with its default.</summary>
    public string Help()
    {
        var sb = new StringBuilder();
        sb.AppendLine($"usage: {Usage}");
        sb.AppendLine();
        sb.AppendLine(Summary);
        sb.AppendLine();
        sb.AppendLine("options:");
        var all = Options.Any(o => o.Name == "verbose") ? Options : Options.Append(new OptionSpec("verbose", "Show stack traces of errors."));
        var rows = all.Append(new OptionSpec("help", "Show this help.")).Select(o =>
            ("  --" + o.Name + (o.IsFlag ? "" : " " + o.ValueName), o.Help + ((o.DefaultText ?? o.Default) is { } d ? $" (default: {d})" : "") + (o.Repeatable ? " Repeatable." : ""))).ToList();
        int width = rows.Max(r => r.Item1.Length) + 2;
        foreach (var (left, right) in rows) sb.AppendLine(left.PadRight(width) + right);
        if (Notes is not null) { sb.AppendLine(); sb.AppendLine(Notes.TrimEnd()); }
        return sb.ToString();
    }
}

/// <summary>Parsed arguments with typed accessors that raise <see cref="UsageException"/> for bad values.</summary>
public sealed class ParsedArgs(CommandSpec command)
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);
    public List<string> Positionals { get; } = new();

    internal void AddPositional(string value) => Positionals.Add(value);

    internal void Set(OptionSpec spec, string value)
    {
        if (!_values.TryGetValue(spec.Name, out var list)) _values[spec.Name] = list = new List<string>();
        if (!spec.Repeatable && list.Count > 0) throw new UsageException($"option '--{spec.Name}' of 'trm {command.Name}' is given twice.");
        list.Add(value);
    }

    public bool Has(string name) => _values.ContainsKey(name);
    public bool Flag(string name) => _values.ContainsKey(name);
    public IReadOnlyList<string> All(string name) => _values.TryGetValue(name, out var l) ? l : Array.Empty<string>();

    public string? String(string name) => _values.TryGetValue(name, out var l) ? l[0] : Spec(name).Default;

    public string Required(string name) => String(name) ?? throw new UsageException($"'trm {command.Name}' needs --{name} {Spec(name).ValueName} (see 'trm {command.Name} --help').");

    public int Int(string name, int min = int.MinValue, int max = int.MaxValue)
    {
        string text = Required(name);
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v))
            throw new UsageException($"option '--{name}' of 'trm {command.Name}' expects an integer, got '{text}'.");
        if (v < min || v > max)
            throw new UsageException($"option '--{name}' of 'trm {command.Name}' must be {(max == int.MaxValue ? $"at least {min}" : $"between {min} and {max}")}, got {v}.");
        return v;
    }

    public int? OptionalInt(string name, int min = int.MinValue, int max = int.MaxValue) => String(name) is null ? null : Int(name, min, max);

    public double? OptionalDouble(string name, double min = 0)
    {
        if (String(name) is not { } text) return null;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !(v >= min) || double.IsInfinity(v))
            throw new UsageException($"option '--{name}' of 'trm {command.Name}' expects a number of at least {min.ToString(CultureInfo.InvariantCulture)}, got '{text}'.");
        return v;
    }

    private OptionSpec Spec(string name) => command.Options.First(o => o.Name == name);
}
