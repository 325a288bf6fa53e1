using System.Globalization;
using ScottPlot;

namespace Microsoft.ML.Trm.Cli;

/// <summary>One row of <c>&lt;model&gt;.metrics.csv</c>. NaN where a value is unknown (e.g. validation between evaluations).</summary>
public sealed record MetricsRow(long Step, double ElapsedSeconds, double Loss, double LearningRate, double ExamplesPerSecond,
    double TrainExact, double TrainToken, double ValidExact, double ValidToken, double ValidHalt, double ValidSteps);

/// <summary>The training curves: CSV next to the model and a PNG chart (loss; exact accuracy, training and held-out).</summary>
public static class TrainingLog
{
    public const string Header = "step,elapsed_s,loss,lr,examples_per_s,train_exact,train_token,valid_exact,valid_token,valid_halt,valid_steps";

    public static MetricsRow From(TrmProgress p) => new(p.Step, p.Elapsed.TotalSeconds, p.Loss, p.LearningRate, p.ExamplesPerSecond,
        p.Train is { Count: > 0 } t ? t.ExactAccuracy : double.NaN, p.Train is { Count: > 0 } t2 ? t2.TokenAccuracy : double.NaN,
        p.Validation?.ExactAccuracy ?? double.NaN, p.Validation?.TokenAccuracy ?? double.NaN,
        p.Validation?.HaltAccuracy ?? double.NaN, p.Validation?.MeanSteps ?? double.NaN);

    public static void WriteCsv(string path, IEnumerable<MetricsRow> rows) => Files.WriteTextAtomic(path, w =>
    {
        w.WriteLine(Header);
        foreach (var r in rows)
            w.WriteLine(string.Join(',', new[] { (double)r.Step, r.ElapsedSeconds, r.Loss, r.LearningRate, r.ExamplesPerSecond,
                r.TrainExact, r.TrainToken, r.ValidExact, r.ValidToken, r.ValidHalt, r.ValidSteps }.Select(v => double.IsNaN(v) ? "" : Files.F(v))));
    });

    /// <summary>Reads a metrics CSV (to continue it after <c>--resume</c>); rows that do not parse are skipped.</summary>
    public static List<MetricsRow> ReadCsv(string path)
    {
        var rows = new List<MetricsRow>();
        if (!File.Exists(path)) return rows;
        foreach (var line in File.ReadLines(path).Skip(1))
        {
            var f = line.Split(',');
            if (f.Length != 11) continue;
            var v = f.Select(s => s.Length == 0 ? double.NaN : double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : double.NaN).ToArray();
            if (double.IsNaN(v[0])) continue;
            rows.Add(new MetricsRow((long)v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10]));
        }
        return rows;
    }

    /// <summary>Chart size in pixels (two panels side by side).</summary>
    public const int ChartWidth = 1200, ChartHeight = 450;

    /// <summary>
    /// Draws the training curves with ScottPlot as one PNG: the training loss against the step (left; on a log axis
    /// when it spans more than a factor of 10), and exact accuracy in % (right: training, held-out exact and token).
    /// Every logged step is a marker. <paramref name="title"/> names the model.
    /// </summary>
    public static byte[] Plot(IReadOnlyList<MetricsRow> rows, string title)
    {
        return ChartFonts.SideBySide(new[] { LossPanel(rows, title), AccuracyPanel(rows) }, ChartWidth, ChartHeight);
    }

    private static ScottPlot.Plot LossPanel(IReadOnlyList<MetricsRow> rows, string title)
    {
        var plot = new ScottPlot.Plot();
        var points = rows.Where(r => double.IsFinite(r.Loss) && r.Loss > 0).ToList();
        bool log = points.Count > 1 && points.Max(r => r.Loss) > 10 * points.Min(r => r.Loss);
        if (points.Count > 0)
        {
            var ys = points.Select(r => log ? Math.Log10(r.Loss) : r.Loss).ToArray();
            var line = plot.Add.Scatter(points.Select(r => (double)r.Step).ToArray(), ys);
            line.LegendText = "training loss";
            line.MarkerSize = 5;
            line.LineWidth = 2;
        }
        if (log)
        {
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
            {
                MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
                IntegerTicksOnly = true,
                LabelFormatter = y => Math.Pow(10, y).ToString("G3", CultureInfo.InvariantCulture),
            };
        }
        plot.Title(title + (log ? ": training loss (log scale)" : ": training loss"), 16);
        plot.XLabel("step");
        plot.YLabel("loss per example");
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        return plot;
    }

    private static ScottPlot.Plot AccuracyPanel(IReadOnlyList<MetricsRow> rows)
    {
        var plot = new ScottPlot.Plot();
        void Series(string name, Func<MetricsRow, double> value)
        {
            var points = rows.Where(r => double.IsFinite(value(r))).ToList();
            if (points.Count == 0) return;
            var s = plot.Add.Scatter(points.Select(r => (double)r.Step).ToArray(), points.Select(r => 100 * value(r)).ToArray());
            s.LegendText = name;
            s.MarkerSize = 5;
            s.LineWidth = 2;
        }
        Series("training exact", r => r.TrainExact);
        Series("held-out exact", r => r.ValidExact);
        Series("held-out token", r => r.ValidToken);
        var validated = rows.LastOrDefault(r => double.IsFinite(r.ValidExact));
        plot.Title(validated is null ? "exact accuracy" : $"accuracy (held-out exact {(100 * validated.ValidExact).ToString("F1", CultureInfo.InvariantCulture)}% at step {validated.Step})", 16);
        plot.XLabel("step");
        plot.YLabel("accuracy (%)");
        plot.Axes.SetLimitsY(0, 100);
        plot.ShowLegend(ScottPlot.Alignment.UpperLeft);
        return plot;
    }
}
