using System.Globalization;

namespace Microsoft.ML.Trm.Cli;

public static partial class Cli
{
    private sealed class SyncProgress(Action<TrmProgress> report) : IProgress<TrmProgress>
    {
        public void Report(TrmProgress value) => report(value);
    }

    /// <summary>What the fit piece returns: the chain to save, its TRM, and the held-out metrics of the last step (the one evaluation at the end).</summary>
    private sealed record FitResult(ITransformer Model, TrmTransformer Trm, TrmMetrics? FinalValidation);

    /// <summary>The fit piece: trains with checkpoints and progress, keeps the metrics log and chart (also when interrupted).</summary>
    private static FitResult FitPipeline(TrainingPipeline pipeline, TrainRequest request, Io io)
    {
        string metricsCsv = request.Output + ".metrics.csv", metricsPng = request.Output + ".metrics.png";
        if (request.Resume && !(Directory.Exists(request.Checkpoints) && Directory.EnumerateFiles(request.Checkpoints).Any()))
            io.Line($"--resume: no checkpoint in {request.Checkpoints}; starting from scratch.");
        var rows = request.Resume ? TrainingLog.ReadCsv(metricsCsv) : new List<MetricsRow>();
        TrmProgress? last = null;
        try
        {
            var (model, trm) = ProgressDisplay.Run(io, "training", display =>
            {
                var settings = new TrmFitSettings
                {
                    Progress = new SyncProgress(p => { last = p; rows.RemoveAll(r => r.Step >= p.Step); rows.Add(TrainingLog.From(p)); ShowProgress(p, request.MaxMinutes, display); }),
                    CancellationToken = io.Cancel,
                    MaxDuration = request.MaxMinutes is { } minutes ? TimeSpan.FromMinutes(minutes) : null,
                    CheckpointDirectory = request.Checkpoints,
                    CheckpointEverySteps = request.CheckpointEvery,
                    Resume = request.Resume,
                };
                return pipeline.Fit(settings);
            });
            WriteCurves(rows, metricsCsv, metricsPng, request.Output);
            return new FitResult(model, trm, last is { Validation: { } v } && last.Step == trm.TrainedSteps ? v : null);
        }
        catch (OperationCanceledException)
        {
            io.EndLine();
            WriteCurves(rows, metricsCsv, metricsPng, request.Output);
            throw new OperationCanceledException($"Training stopped; checkpoint in {request.Checkpoints}. Run the same command with --resume to continue.");
        }
    }

    /// <summary>One progress report: the bar moves with the steps or with the time limit, whichever is further along.</summary>
    private static void ShowProgress(TrmProgress p, double? maxMinutes, ProgressDisplay display)
    {
        double fraction = p.TotalSteps > 0 ? (double)p.Step / p.TotalSteps : 0;
        TimeSpan? remaining = p.Remaining;
        if (maxMinutes is { } m && m > 0)
        {
            var left = TimeSpan.FromMinutes(m) - p.Elapsed;
            if (left < TimeSpan.Zero) left = TimeSpan.Zero;
            fraction = Math.Max(fraction, p.Elapsed.TotalMinutes / m);
            if (remaining is null || left < remaining) remaining = left;
        }
        string line = $"step {p.Step}/{p.TotalSteps}  {p.ExamplesPerSecond:F0} ex/s  loss {p.Loss:F4}";
        if (p.Train is { Count: > 0 } t) line += $"  train exact {Pct(t.ExactAccuracy)} token {Pct(t.TokenAccuracy)}";
        if (remaining is { } r) line += $"  ETA {Eta(r)}";
        if (p.Validation is { } v) display.Line(line + $"  | valid exact {Pct(v.ExactAccuracy)} token {Pct(v.TokenAccuracy)} halt {Pct(v.HaltAccuracy)} steps {v.MeanSteps:F1}");
        display.Update(fraction, line, quiet: p.Validation is not null);
    }

    private static string Eta(TimeSpan r) => r.TotalHours >= 1 ? r.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : r.ToString(@"m\:ss", CultureInfo.InvariantCulture);

    private static void WriteCurves(List<MetricsRow> rows, string csv, string png, string model)
    {
        if (rows.Count == 0) return;
        TrainingLog.WriteCsv(csv, rows);
        Files.WriteAtomic(png, s => s.Write(TrainingLog.Plot(rows, Path.GetFileName(model))));
    }
}
