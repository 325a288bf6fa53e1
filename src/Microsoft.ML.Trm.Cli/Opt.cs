using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Microsoft.ML.Trm.Cli;

using Command = System.CommandLine.Command; // not the namespace Microsoft.ML.Command

/// <summary>
/// Short constructors for System.CommandLine options in the tool's style: <c>--name VALUE</c>, a help text, and a
/// default shown by the generated help. Range checks become parse errors (exit code 2) that name the option.
/// </summary>
internal static class Opt
{
    /// <summary>An option the command cannot run without.</summary>
    public static Option<T> Required<T>(string name, string valueName, string help) =>
        new(name) { Description = help, HelpName = valueName, Required = true };

    /// <summary>An option with a literal default (help shows <c>[default: value]</c>).</summary>
    public static Option<T> Default<T>(string name, string valueName, string help, T value) =>
        new(name) { Description = help, HelpName = valueName, DefaultValueFactory = _ => value };

    /// <summary>An optional value; <paramref name="defaultText"/> says what happens without it (e.g. "all cores").</summary>
    public static Option<T> Optional<T>(string name, string valueName, string help, string? defaultText = null) =>
        new(name) { Description = defaultText is null ? help : $"{help} [default: {defaultText}]", HelpName = valueName };

    /// <summary>A flag (no value).</summary>
    public static Option<bool> Flag(string name, string help) => new(name) { Description = help };

    /// <summary>Refuses values below <paramref name="min"/> (nulls pass).</summary>
    public static Option<T> AtLeast<T>(this Option<T> option, double min)
    {
        option.Validators.Add(r => Check(r, option.Name, v => v >= min, $"at least {min.ToString(CultureInfo.InvariantCulture)}"));
        return option;
    }

    /// <summary>Refuses values outside [<paramref name="min"/>, <paramref name="max"/>] (nulls pass).</summary>
    public static Option<T> Between<T>(this Option<T> option, double min, double max)
    {
        option.Validators.Add(r => Check(r, option.Name, v => v >= min && v <= max,
            $"between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)}"));
        return option;
    }

    /// <summary>Suggestions for tab completion (values are not restricted).</summary>
    public static Option<T> Suggest<T>(this Option<T> option, params string[] values)
    {
        option.CompletionSources.Add(values);
        return option;
    }

    private static void Check(OptionResult r, string name, Func<double, bool> ok, string expected)
    {
        if (r.Tokens.Count == 0) return;
        string text = r.Tokens[^1].Value;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v)) return; // the type's own parse error reports it
        if (!ok(v) || double.IsNaN(v)) r.AddError($"option '{name}' must be {expected}, got {text}.");
    }
}

/// <summary>The options that several commands share: <c>--device</c>, <c>--threads</c> and (every command) <c>--verbose</c>.</summary>
internal sealed class CommonOptions
{
    public Option<string> Device { get; } = Opt.Default("--device", "DEVICE", "cpu, cuda or cuda:N.", "cpu").Suggest("cpu", "cuda", "cuda:0");

    public Option<int?> Threads { get; } = Opt.Optional<int?>("--threads", "N", "CPU threads for TorchSharp.", "all cores").AtLeast(1);

    public Option<bool> Verbose { get; } = new("--verbose") { Description = "Show library log messages and stack traces.", Recursive = true };

    public CommonOptions()
    {
        Device.Validators.Add(r =>
        {
            if (r.Tokens.Count == 0) return;
            try { TrmDevice.ParseDeviceId(r.Tokens[^1].Value); }
            catch (ArgumentException) { r.AddError($"unknown device '{r.Tokens[^1].Value}': use cpu, cuda or cuda:N."); }
        });
    }

    /// <summary>Adds <c>--device</c> and <c>--threads</c> to a command that runs a model.</summary>
    public Command AddTo(Command command)
    {
        command.Add(Device);
        command.Add(Threads);
        return command;
    }
}
