using System.Globalization;
using System.Text;

namespace Microsoft.ML.Trm.Cli;

/// <summary>One row of <c>&lt;model&gt;.metrics.csv</c>. NaN where a value is unknown (e.g. validation between evaluations).</summary>
public sealed record MetricsRow(long Step, double ElapsedSeconds, double Loss, double LearningRate, double ExamplesPerSecond,
    double TrainExact, double TrainToken, double ValidExact, double ValidToken, double ValidHalt, double ValidSteps);

/// <summary>The training curves: CSV next to the model and a PNG plot (loss; exact accuracy, train and validation).</summary>
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

    private static readonly (byte, byte, byte) White = (255, 255, 255), Black = (30, 30, 30), Grid = (225, 225, 225),
        Blue = (31, 119, 180), Orange = (230, 110, 20), Grey = (110, 110, 110);

    /// <summary>Draws loss (left panel) and exact accuracy (right panel, train and validation) against the step, as PNG.</summary>
    public static byte[] Plot(IReadOnlyList<MetricsRow> rows, string title)
    {
        const int scale = 2, panelW = 560, panelH = 400, top = 60, width = panelW * 2 + 40, height = panelH + top + 20;
        var c = new Canvas(width, height, White);
        c.Text((width - Canvas.TextWidth(title, scale)) / 2, 16, title, Black, scale);
        long maxStep = Math.Max(1, rows.Count == 0 ? 1 : rows.Max(r => r.Step));
        var loss = rows.Where(r => double.IsFinite(r.Loss)).Select(r => (r.Step, r.Loss)).ToList();
        double lossMax = loss.Count == 0 ? 1 : Nice(1.05 * loss.Max(p => p.Loss));
        Panel(c, 10, top, panelW, panelH, "TRAINING LOSS", maxStep, 0, lossMax, new[] { ("TRAIN LOSS", Blue, loss) }, percent: false, legendRight: true);
        var trainExact = rows.Where(r => double.IsFinite(r.TrainExact)).Select(r => (r.Step, r.TrainExact * 100)).ToList();
        var validExact = rows.Where(r => double.IsFinite(r.ValidExact)).Select(r => (r.Step, r.ValidExact * 100)).ToList();
        Panel(c, panelW + 30, top, panelW, panelH, "EXACT ACCURACY %", maxStep, 0, 100,
            new[] { ("TRAIN", Blue, trainExact), ("VALID (HELD-OUT)", Orange, validExact) }, percent: true, legendRight: false);
        return c.ToPng();
    }

    private static double Nice(double max)
    {
        if (!(max > 0)) return 1;
        double p = Math.Pow(10, Math.Floor(Math.Log10(max)));
        foreach (double m in new[] { 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10 })
            if (m * p >= max) return m * p;
        return 10 * p;
    }

    /// <summary>The smallest 1, 2 or 5 × 10^k at least <paramref name="raw"/> (tick spacing).</summary>
    private static double NiceTick(double raw)
    {
        if (!(raw > 0)) return 1;
        double p = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        foreach (double m in new[] { 1.0, 2, 5, 10 })
            if (m * p >= raw) return Math.Max(1, m * p);
        return 10 * p;
    }

    private static string Label(double v) => Math.Abs(v) >= 1000 ? (v / 1000).ToString("0.#", CultureInfo.InvariantCulture) + "K"
        : v.ToString(Math.Abs(v) < 0.1 && v != 0 ? "0.###" : "0.##", CultureInfo.InvariantCulture);

    private static void Panel(Canvas c, int x, int y, int w, int h, string title, long maxStep, double yMin, double yMax,
        IReadOnlyList<(string Name, (byte, byte, byte) Colour, List<(long Step, double Value)> Points)> series, bool percent, bool legendRight)
    {
        const int s = 2;
        int left = x + 70, right = x + w - 10, plotTop = y + 30, bottom = y + h - 50;
        c.Text(x + (w - Canvas.TextWidth(title, s)) / 2, y, title, Black, s);
        double X(double step) => left + (right - left) * step / maxStep;
        double Y(double v) => bottom - (bottom - plotTop) * (Math.Clamp(v, yMin, yMax) - yMin) / (yMax - yMin);
        for (int i = 0; i <= 5; i++)
        {
            double v = yMin + (yMax - yMin) * i / 5;
            int py = (int)Math.Round(Y(v));
            c.Line(left, py, right, py, Grid);
            string label = percent ? v.ToString("0", CultureInfo.InvariantCulture) : Label(v);
            c.Text(left - 8 - Canvas.TextWidth(label, s), py - 7, label, Black, s);
        }
        double stepTick = NiceTick(maxStep / 5.0);
        for (double t = 0; t <= maxStep + 1e-9; t += stepTick)
        {
            int px = (int)Math.Round(X(t));
            c.Line(px, plotTop, px, bottom, Grid);
            c.Line(px, bottom, px, bottom + 5, Black);
            string label = Label(t);
            c.Text(px - Canvas.TextWidth(label, s) / 2, bottom + 10, label, Black, s);
        }
        c.Line(left, plotTop, left, bottom, Black, 2);
        c.Line(left, bottom, right, bottom, Black, 2);
        c.Text(left + (right - left - Canvas.TextWidth("STEP", s)) / 2, bottom + 30, "STEP", Grey, s);
        int legendWidth = 26 + series.Max(x => Canvas.TextWidth(x.Name, s));
        int legendX = legendRight ? right - 12 - legendWidth : left + 12, legendY = plotTop + 8;
        foreach (var (name, colour, points) in series)
        {
            for (int i = 1; i < points.Count; i++)
                c.Line(X(points[i - 1].Step), Y(points[i - 1].Value), X(points[i].Step), Y(points[i].Value), colour, 2);
            foreach (var p in points.Count <= 40 ? points : new List<(long Step, double Value)>())
                c.Fill((int)X(p.Step) - 2, (int)Y(p.Value) - 2, 5, 5, colour);
            if (points.Count == 1) c.Fill((int)X(points[0].Step) - 3, (int)Y(points[0].Value) - 3, 7, 7, colour);
            c.Fill(legendX, legendY + 5, 20, 4, colour);
            c.Text(legendX + 26, legendY, name, Black, s);
            legendY += 22;
        }
    }
}
