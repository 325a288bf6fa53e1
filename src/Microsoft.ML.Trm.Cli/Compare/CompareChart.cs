using System.Globalization;

namespace Microsoft.ML.Trm.Cli;

/// <summary>
/// curves.png of <c>trm compare</c>: held-out exact accuracy (left) and blank-cell accuracy (right) against estimated
/// training FLOPs, one line per configuration (the mean over its finished seeds at each curve point; the last point is
/// the full held-out set, the earlier ones the <c>--curve-sample</c> puzzles).
/// </summary>
internal static class CompareChart
{
    public const int Width = 1400, Height = 550;

    public static byte[] Plot(CompareResults results, IReadOnlyList<string> order)
    {
        var series = CompareReport.ByConfig(results, order).Select(g => (Label: g.Runs[0].Label, Points: MeanCurve(g.Runs))).ToList();
        return ChartFonts.SideBySide(new[]
        {
            Panel(series, "held-out exact accuracy", p => p.ExactAccuracy),
            Panel(series, "held-out blank-cell accuracy", p => p.BlankCellAccuracy),
        }, Width, Height);
    }

    /// <summary>The seeds' curves averaged point by point (runs of one configuration share their curve steps).</summary>
    private static List<CurvePoint> MeanCurve(List<CompareRunResult> runs)
    {
        int n = runs.Min(r => r.Curve.Count);
        return Enumerable.Range(0, n).Select(i =>
        {
            var points = runs.Select(r => r.Curve[i]).ToList();
            return new CurvePoint(points[0].Step, points.Average(p => p.TrainingFlops), points.Average(p => p.ExactAccuracy),
                points.Average(p => p.TokenAccuracy), points.Average(p => p.BlankCellAccuracy), points[0].Puzzles);
        }).ToList();
    }

    private static ScottPlot.Plot Panel(List<(string Label, List<CurvePoint> Points)> series, string title, Func<CurvePoint, double> value)
    {
        var plot = new ScottPlot.Plot();
        foreach (var (label, points) in series)
        {
            var shown = points.Where(p => double.IsFinite(value(p))).ToList();
            if (shown.Count == 0) continue;
            var line = plot.Add.Scatter(shown.Select(p => p.TrainingFlops).ToArray(), shown.Select(p => 100 * value(p)).ToArray());
            line.LegendText = label;
            line.MarkerSize = 6;
            line.LineWidth = 2;
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            LabelFormatter = v => v.ToString("0.##E0", CultureInfo.InvariantCulture),
        };
        plot.Title(title, 16);
        plot.XLabel("estimated training FLOPs");
        plot.YLabel("accuracy (%)");
        plot.Axes.SetLimitsY(0, 100);
        plot.ShowLegend(ScottPlot.Alignment.UpperLeft);
        return plot;
    }
}
