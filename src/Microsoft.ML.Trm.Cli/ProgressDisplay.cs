using Spectre.Console;

namespace Microsoft.ML.Trm.Cli;

/// <summary>
/// Progress of a long task. On a terminal: a Spectre.Console progress bar (description, bar, percentage) that stays
/// at the bottom while permanent lines scroll above it. Otherwise (stdout redirected, tests): one plain line per update.
/// </summary>
internal abstract class ProgressDisplay
{
    /// <summary>
    /// Moves the bar to <paramref name="fraction"/> (0..1) and shows <paramref name="text"/>; when not live, writes it
    /// as a plain line unless <paramref name="quiet"/> (the caller wrote a permanent line for the same step).
    /// </summary>
    public abstract void Update(double fraction, string text, bool quiet = false);

    /// <summary>A permanent line.</summary>
    public abstract void Line(string text);

    /// <summary>Runs <paramref name="work"/> with a progress display suited to <paramref name="io"/>.</summary>
    public static T Run<T>(Cli.Io io, string title, Func<ProgressDisplay, T> work)
    {
        if (!io.Live) return work(new Plain(io));
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(io.Out) });
        return console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn())
            .Start(ctx => work(new Live(console, ctx.AddTask(Markup.Escape(title), maxValue: 1000))));
    }

    private sealed class Plain(Cli.Io io) : ProgressDisplay
    {
        public override void Update(double fraction, string text, bool quiet = false)
        {
            if (!quiet) io.Out.WriteLine(text);
        }
        public override void Line(string text) => io.Out.WriteLine(text);
    }

    private sealed class Live(IAnsiConsole console, ProgressTask task) : ProgressDisplay
    {
        public override void Update(double fraction, string text, bool quiet = false)
        {
            task.Value = 1000 * Math.Clamp(fraction, 0, 1);
            task.Description = Markup.Escape(text);
        }

        public override void Line(string text) => console.WriteLine(text);
    }
}
