using System.Globalization;
using System.Text;

namespace Microsoft.ML.Trm.Cli;

/// <summary>
/// Writes the three result files of <c>trm compare</c> into the output folder — results.json, results.md and curves.png —
/// each atomically (temporary file, then rename), so an interrupted run leaves the last complete set.
/// </summary>
internal static class CompareReport
{
    public const string JsonFile = "results.json", MarkdownFile = "results.md", ChartFile = "curves.png";

    /// <summary>Writes all three files for <paramref name="results"/>; configurations appear in <paramref name="order"/>.</summary>
    public static void Write(string dir, CompareResults results, IReadOnlyList<string> order)
    {
        Files.WriteTextAtomic(Path.Combine(dir, JsonFile), results.ToJson());
        Files.WriteTextAtomic(Path.Combine(dir, MarkdownFile), Markdown(results, order));
        var chart = CompareChart.Plot(results, order);
        Files.WriteAtomic(Path.Combine(dir, ChartFile), s => s.Write(chart));
    }

    /// <summary>The configurations in <paramref name="order"/> first, then any other recorded ones, each with its finished runs.</summary>
    public static IEnumerable<(string Config, List<CompareRunResult> Runs)> ByConfig(CompareResults results, IReadOnlyList<string> order) =>
        order.Concat(results.Runs.Select(r => r.Config)).Distinct()
            .Select(c => (c, results.Runs.Where(r => r.Config == c).OrderBy(r => r.Seed).ToList()))
            .Where(g => g.Item2.Count > 0);

    /// <summary>The results table: per configuration the paper's figure, then mean and min–max over seeds.</summary>
    public static string Markdown(CompareResults results, IReadOnlyList<string> order)
    {
        var s = results.Settings;
        var sb = new StringBuilder();
        sb.AppendLine("# trm compare: results").AppendLine();
        string budget = s.BudgetFlops is { } f ? $"{F(f, "G3")} estimated training FLOPs per run" : $"{F(s.BudgetMinutes!.Value, "G3")} minutes of training per run";
        sb.AppendLine($"Task {s.Task}: trained on `{s.Data}` ({s.TrainPuzzles:N0} puzzles), evaluated on `{s.Valid}` ({s.HeldOutPuzzles:N0} held-out puzzles); " +
            $"hidden size {s.Hidden}; budget {budget}; {results.Runs.Count} finished runs; wall time {F(results.WallSeconds / 60, "F1")} min.").AppendLine();
        sb.AppendLine("Accuracies are on the held-out puzzles: mean over seeds, min–max in brackets. Token accuracy counts every cell " +
            "(givens only need copying); blank-cell accuracy counts only the cells to fill in. The paper's column is its Sudoku-Extreme exact accuracy (full scale).").AppendLine();
        sb.AppendLine("| Configuration | Paper (Sudoku-Extreme) | Exact | Token | Blank-cell | Steps | Training FLOPs | Training wall time | Seeds |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (_, runs) in ByConfig(results, order))
        {
            var first = runs[0];
            sb.AppendLine($"| {first.Label} | {(first.PaperExact is { } p ? F(p, "F1") + "%" : "–")} | {Spread(runs, r => 100 * r.ExactAccuracy, "F1", "%")} | " +
                $"{Spread(runs, r => 100 * r.TokenAccuracy, "F1", "%")} | {Spread(runs, r => 100 * r.BlankCellAccuracy, "F1", "%")} | " +
                $"{Spread(runs, r => r.Steps, "F0", "")} | {F(runs.Average(r => r.TrainingFlops), "E2")} | {Spread(runs, r => r.TrainSeconds / 60, "F1", " min")} | {runs.Count} |");
        }
        sb.AppendLine().AppendLine("Every run:").AppendLine();
        sb.AppendLine("| Configuration | Seed | Params | Steps | Exact | Token | Blank-cell | Mean train sup. steps | Final train loss | Train s | Eval s | Threads | Setup |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var (_, runs) in ByConfig(results, order))
            foreach (var r in runs)
                sb.AppendLine($"| {r.Label} | {r.Seed} | {r.Parameters:N0} | {r.Steps:N0} | {Pct(r.ExactAccuracy)} | {Pct(r.TokenAccuracy)} | {Pct(r.BlankCellAccuracy)} | " +
                    $"{F(r.MeanTrainSupervisionSteps, "F2")} | {F(r.FinalTrainLoss, "F3")} | {F(r.TrainSeconds, "F0")} | {F(r.EvalSeconds, "F0")} | {r.Threads} | {r.Description} |");
        return sb.ToString();
    }

    private static string Spread(List<CompareRunResult> runs, Func<CompareRunResult, double> value, string format, string unit)
    {
        var v = runs.Select(value).ToList();
        string mean = F(v.Average(), format) + unit;
        return v.Count == 1 ? mean : $"{mean} ({F(v.Min(), format)}–{F(v.Max(), format)})";
    }

    private static string Pct(double v) => F(100 * v, "F1") + "%";

    private static string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
}
