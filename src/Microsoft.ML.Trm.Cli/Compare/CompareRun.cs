using System.Diagnostics;
using Microsoft.ML.Trm.Comparison;
using Microsoft.ML.Trm.Model;
using Microsoft.ML.Trm.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Trm.Cli;

/// <summary>One (configuration, seed) of a comparison, with its compute: a step count (FLOP budget) or a duration.</summary>
internal sealed record CompareJob(CompareConfigurations.Entry Entry, int Seed, TrmOptions Options, double FlopsPerStep, long? Steps, TimeSpan? Duration);

/// <summary>
/// Trains one configuration with the library's training run (<see cref="TrmTrainingRun"/>: sampling, Sudoku shuffles,
/// optimiser, EMA), evaluates a sample of the held-out set at the curve points and the whole set at the end.
/// </summary>
internal static class CompareRun
{
    /// <summary>Builds the job of <paramref name="entry"/> and <paramref name="seed"/> for the request's budget.</summary>
    public static CompareJob Plan(CompareConfigurations.Entry entry, int seed, CompareRequest request, TrmDataset data, int vocabSize)
    {
        var options = CompareConfigurations.Create(entry.Name, request.Hidden, vocabSize, data.SequenceLength);
        options.Seed = seed;
        options.Validate();
        double flopsPerStep = Math.Min(options.BatchSize, data.Count) * TrainingFlops.PerExample(options, vocabSize, data.SequenceLength);
        long? steps = request.BudgetFlops is { } f ? Math.Max(1, (long)Math.Floor(f / flopsPerStep)) : null;
        return new CompareJob(entry, seed, options, flopsPerStep, steps, request.BudgetMinutes is { } m ? TimeSpan.FromMinutes(m) : null);
    }

    /// <summary>Runs <paramref name="job"/>; <paramref name="report"/> hears about each curve point.</summary>
    public static CompareRunResult Execute(CompareJob job, TrmDataset data, int vocabSize, HeldOutSet heldOut, int curvePoints, int curveSample,
        CancellationToken cancel, Action<string> report)
    {
        var o = job.Options.Clone();
        o.MaxSteps = job.Steps.HasValue ? checked((int)job.Steps.Value) : null;
        o.LogEverySteps = 1;   // the progress callback decides when a curve point is due
        var settings = new TrmFitSettings { CheckpointInterval = null, CancellationToken = cancel, MaxDuration = job.Duration };
        var plan = TrmTrainingRun.Plan(data, o, settings, vocabSize, 1, _ => { });
        manual_seed(o.Seed);
        var generator = new Generator((ulong)o.Seed);
        using var network = new TrmNetwork(o.ToArchitecture(vocabSize, data.SequenceLength, 1), TrmDevice.ForwardType(o.Precision, CPU, training: true), generator);
        using var run = new TrmTrainingRun(network, data, o, plan, CPU, generator);

        var curve = new List<CurvePoint>();
        var schedule = new CurveSchedule(job, curvePoints);
        var curveClock = new Stopwatch();
        settings.Progress = new CallbackProgress(p =>
        {
            if (!schedule.Due(p)) return;
            curveClock.Start();
            using (var evalNet = run.Loop.CreateEvaluationNetwork())
                curve.Add(Point(p.Step, job.FlopsPerStep, heldOut.Evaluate(evalNet, curveSample)));
            curveClock.Stop();
            var last = curve[^1];
            report($"step {p.Step}/{(job.Steps?.ToString() ?? "?")}: {last.Puzzles} held-out puzzles exact {Cli.Percent(last.ExactAccuracy)}, blank cells {Cli.Percent(last.BlankCellAccuracy)}");
        });

        var clock = Stopwatch.StartNew();
        using var final = run.Train(settings, validation: null, log: null);
        double trainSeconds = clock.Elapsed.TotalSeconds - curveClock.Elapsed.TotalSeconds;
        clock.Restart();
        var metrics = heldOut.Evaluate(final, heldOut.Count);
        double evalSeconds = clock.Elapsed.TotalSeconds;
        curve.Add(Point(run.Loop.Step, job.FlopsPerStep, metrics));
        return new CompareRunResult
        {
            Config = job.Entry.Name, Seed = job.Seed, Label = job.Entry.Label, Description = CompareConfigurations.Describe(o),
            PaperExact = job.Entry.PaperExact, Parameters = network.ParameterCount, Steps = run.Loop.Step, FlopsPerStep = job.FlopsPerStep,
            TrainingFlops = run.Loop.Step * job.FlopsPerStep, TrainSeconds = trainSeconds, EvalSeconds = evalSeconds, Threads = get_num_threads(),
            ExactAccuracy = metrics.ExactAccuracy, TokenAccuracy = metrics.TokenAccuracy, BlankCellAccuracy = metrics.BlankCellAccuracy,
            MeanTrainSupervisionSteps = run.HaltedRows == 0 ? double.NaN : (double)run.HaltedSteps / run.HaltedRows,
            FinalTrainLoss = run.LastLoss, Curve = curve,
        };
    }

    private static CurvePoint Point(long step, double flopsPerStep, TrmMetrics m) =>
        new(step, step * flopsPerStep, m.ExactAccuracy, m.TokenAccuracy, m.BlankCellAccuracy, (int)m.Count);

    /// <summary>
    /// When the intermediate curve points fall: at steps round(k·S/K) of a FLOP budget of S steps, or at times k·M/K of a
    /// budget of M minutes (k = 1 … K−1; point K is the final evaluation on the whole held-out set).
    /// </summary>
    private sealed class CurveSchedule(CompareJob job, int points)
    {
        private int _next = 1;

        public bool Due(TrmProgress p)
        {
            if (_next >= points || (job.Steps is { } total && p.Step >= total)) return false;
            bool due = job.Steps is { } steps
                ? p.Step >= Math.Max(1, (long)Math.Round((double)steps * _next / points))
                : p.Elapsed >= job.Duration!.Value * _next / points;
            if (due) _next++;
            return due;
        }
    }

    private sealed class CallbackProgress(Action<TrmProgress> report) : IProgress<TrmProgress>
    {
        public void Report(TrmProgress value) => report(value);
    }
}
