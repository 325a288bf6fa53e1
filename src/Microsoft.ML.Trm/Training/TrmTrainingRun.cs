using System.Diagnostics;
using Microsoft.ML.Trm.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Trm.Training;

/// <summary>
/// The one training run (used by <see cref="TrmEstimator.Fit(IDataView, TrmFitSettings)"/> and the comparison runner):
/// group-aware sampling with on-the-fly augmentation (<see cref="TrmGroupSampler"/>), iterations of epochs, resume,
/// cancellation, checkpoints (by steps and by time, and at the end), validation (after each iteration, every
/// <see cref="TrmOptions.EvaluateEverySteps"/> steps and at the end) and progress. Each step is
/// <see cref="TrmTrainingLoop.TrainStep"/>.
/// </summary>
internal sealed class TrmTrainingRun : IDisposable
{
    private readonly TrmDataset _data;
    private readonly TrmOptions _options;
    private readonly TrmTrainingPlan _plan;
    private readonly TrmAugmenter _augmenter;
    private readonly TrmGroupSampler _sampler;

    public TrmTrainingRun(TrmNetwork network, TrmDataset data, TrmOptions options, TrmTrainingPlan plan, Device device, Generator generator)
    {
        (_data, _options, _plan) = (data, options, plan);
        _augmenter = TrmAugmenter.Create(options, data.SequenceLength);
        _sampler = Sampler(data, options, plan, _augmenter);
        Loop = new TrmTrainingLoop(network, options, plan.TotalSteps, device, generator);
    }

    /// <summary>The plan of a run on <paramref name="data"/> (see <see cref="TrmTrainingPlan"/>); <paramref name="warn"/> hears about clamped settings.</summary>
    internal static TrmTrainingPlan Plan(TrmDataset data, TrmOptions o, TrmFitSettings settings, int vocab, int ids, Action<string> warn)
    {
        if (settings.CheckpointEverySteps is <= 0) throw new ArgumentOutOfRangeException(nameof(settings), settings.CheckpointEverySteps, "TrmFitSettings.CheckpointEverySteps must be positive.");
        var augmenter = TrmAugmenter.Create(o, data.SequenceLength);
        int batchSize = o.BatchSize;
        if (batchSize > data.Count)
        {
            warn($"BatchSize {batchSize} is larger than the {data.Count} training rows; using {data.Count}.");
            batchSize = data.Count;
        }
        int perIteration = Math.Min(o.EvaluateEveryEpochs ?? o.Epochs, o.Epochs);
        long scheduled = TrmTrainingPlan.ReferenceTotalSteps(o.Epochs, data.GroupCount, data.MeanExamplesPerPuzzle, batchSize);
        return new TrmTrainingPlan
        {
            Rows = data.Count, Groups = data.GroupCount, Puzzles = data.PuzzleCount, MeanExamplesPerPuzzle = data.MeanExamplesPerPuzzle,
            ExamplesPerEpoch = data.GroupCount * data.MeanExamplesPerPuzzle, Augmentation = augmenter.Kind, MembersPerPuzzle = augmenter.Members,
            BatchSize = batchSize, Epochs = o.Epochs, EpochsPerIteration = perIteration, Iterations = (o.Epochs + perIteration - 1) / perIteration,
            ScheduledSteps = scheduled, TotalSteps = Math.Max(1, Math.Min(o.MaxSteps ?? long.MaxValue, scheduled)),
            EvaluateEverySteps = o.EvaluateEverySteps, CheckpointEverySteps = settings.CheckpointEverySteps, CheckpointEveryMinutes = settings.CheckpointInterval?.TotalMinutes,
            SequenceLength = data.SequenceLength, VocabSize = vocab, PuzzleIdentifiers = ids,
            Parameters = o.CountParameters(vocab, data.SequenceLength),   // the puzzle table is not counted (nor allocated here)
            FlopsPerStep = batchSize * Comparison.TrainingFlops.PerExample(o, vocab, data.SequenceLength),
        };
    }

    /// <summary>The sampler a plan implies (also used by tests).</summary>
    internal static TrmGroupSampler Sampler(TrmDataset data, TrmOptions options, TrmTrainingPlan plan, TrmAugmenter augmenter)
        => new(data, plan.BatchSize, options.Seed, plan.Epochs, plan.EpochsPerIteration, augmenter.Members);

    public TrmTrainingLoop Loop { get; }

    /// <summary>Rows that halted during this run and the supervision steps they took (ACT).</summary>
    public long HaltedRows { get; private set; }
    public long HaltedSteps { get; private set; }

    /// <summary>The optimised loss per example of the last step.</summary>
    public double LastLoss { get; private set; } = double.NaN;

    /// <summary>Validation metrics of the last evaluation, if any.</summary>
    public TrmMetrics? LastValidation { get; private set; }

    /// <summary>
    /// Trains until the plan's steps are done, the iterations run out, or <see cref="TrmFitSettings.MaxDuration"/> passes;
    /// returns the evaluation network (EMA weights when on). Cancellation writes a checkpoint (when a folder is set) and
    /// throws <see cref="OperationCanceledException"/>.
    /// </summary>
    public TrmNetwork Train(TrmFitSettings settings, TrmDataset? validation, Action<string>? log, Func<bool>? canceled = null)
    {
        string fingerprint = SamplingFingerprint();
        int iteration = 0, skip = 0;
        if (settings.Resume && settings.CheckpointDirectory is { } dir && File.Exists(TrainingCheckpoint.PathIn(dir)))
        {
            (iteration, skip) = TrainingCheckpoint.Load(dir, Loop, fingerprint);
            log?.Invoke($"Resumed from {TrainingCheckpoint.PathIn(dir)} at step {Loop.Step}.");
        }

        var after = new AfterStep(this, settings, validation, log, fingerprint);
        bool done = Loop.Step >= _plan.TotalSteps;
        for (; !done && iteration < _sampler.Iterations; iteration++, skip = 0)
        {
            int b = 0;
            foreach (var samples in _sampler.Iteration(iteration))
            {
                if (b++ < skip) continue;               // resume: the batches the checkpointed run had used
                if (settings.CancellationToken.IsCancellationRequested || canceled?.Invoke() == true)
                    throw Canceled(settings, iteration, b - 1, fingerprint);
                var batch = _data.Batch(samples, _augmenter);
                var metrics = Loop.TrainStep(batch);
                after.Window.Add(metrics, batch.Size);
                HaltedRows += metrics.Count; HaltedSteps += metrics.StepsSum; LastLoss = metrics.Loss / batch.Size;
                done = Loop.Step >= _plan.TotalSteps || (settings.MaxDuration is { } max && after.Clock.Elapsed >= max);
                after.Run(iteration, b, final: done, iterationEnd: false);
                if (done) break;
            }
            if (b == 0)
                throw new TrmTrainingException($"Sampling iteration {iteration} drew no full batch of {_plan.BatchSize}: an iteration of {_sampler.EpochsIn(iteration)} epoch(s) draws about {_plan.ExamplesPerEpoch * _sampler.EpochsIn(iteration):F0} examples. Lower TrmOptions.BatchSize or raise EvaluateEveryEpochs.");
            if (!done) after.Run(iteration + 1, 0, final: iteration + 1 == _sampler.Iterations, iterationEnd: true);
        }
        log?.Invoke($"TRM training done: {Loop.Step} steps in {after.Clock.Elapsed.TotalSeconds:F1} s." + (LastValidation is null ? "" : $" Validation: {LastValidation}."));
        return Loop.CreateEvaluationNetwork();
    }

    // Cancellation: a checkpoint of the batches used so far (when a folder is set), then the exception to throw.
    private OperationCanceledException Canceled(TrmFitSettings settings, int iteration, int batchesUsed, string fingerprint)
    {
        if (settings.CheckpointDirectory is { } dir) TrainingCheckpoint.Save(dir, Loop, iteration, batchesUsed, fingerprint);
        return new OperationCanceledException($"TRM training was canceled at step {Loop.Step}" +
            (settings.CheckpointDirectory is null ? "." : $"; checkpoint written to {TrainingCheckpoint.PathIn(settings.CheckpointDirectory)}."));
    }

    /// <summary>What follows a step (or an iteration's end): checkpoint, validation and progress, each at most once per step.</summary>
    private sealed class AfterStep(TrmTrainingRun run, TrmFitSettings settings, TrmDataset? validation, Action<string>? log, string fingerprint)
    {
        private readonly Stopwatch _sinceCheckpoint = Stopwatch.StartNew();
        private readonly long _startStep = run.Loop.Step;
        private long _evaluatedAt = -1, _checkpointedAt = -1, _reportedAt = -1;

        public Stopwatch Clock { get; } = Stopwatch.StartNew();

        public MetricsWindow Window { get; } = new();

        public void Run(int iterationAt, int batchesUsed, bool final, bool iterationEnd)
        {
            var loop = run.Loop;
            var o = run._options;
            if (settings.CheckpointDirectory is { } dir && _checkpointedAt != loop.Step &&
                (final || (settings.CheckpointEverySteps is { } n && loop.Step % n == 0) || (settings.CheckpointInterval is { } every && _sinceCheckpoint.Elapsed >= every)))
            {
                TrainingCheckpoint.Save(dir, loop, iterationAt, batchesUsed, fingerprint);
                _checkpointedAt = loop.Step;
                _sinceCheckpoint.Restart();
            }
            bool evaluate = validation is not null && _evaluatedAt != loop.Step &&
                (final || (iterationEnd && o.EvaluateEveryEpochs is not null) || (o.EvaluateEverySteps > 0 && loop.Step % o.EvaluateEverySteps == 0));
            if (evaluate)
            {
                using var evalNet = loop.CreateEvaluationNetwork();
                run.LastValidation = TrmEstimator.Evaluate(evalNet, validation!, o, loop.Device);
                _evaluatedAt = loop.Step;
            }
            if (_reportedAt != loop.Step && (loop.Step % o.LogEverySteps == 0 || final || evaluate))
            {
                _reportedAt = loop.Step;
                var progress = Window.Report(loop, run._plan.TotalSteps, Clock.Elapsed, _startStep) with { Validation = evaluate ? run.LastValidation : null };
                log?.Invoke(Describe(progress));
                settings.Progress?.Report(progress);
            }
        }
    }

    // The data and every option that shapes the sample sequence: a checkpoint resumes only the same sequence.
    private string SamplingFingerprint()
        => $"{_data.Fingerprint()}/b{_plan.BatchSize}/s{_options.Seed}/e{_plan.Epochs}/i{_plan.EpochsPerIteration}/{_augmenter.Kind}{_augmenter.Variants}";

    internal static string Describe(TrmProgress p)
    {
        var line = $"step {p.Step}/{p.TotalSteps} loss {p.Loss:F4} lr {p.LearningRate:G3} {p.ExamplesPerSecond:F0} ex/s";
        if (p.Train is { Count: > 0 } t) line += $" | train exact {t.ExactAccuracy:F3} token {t.TokenAccuracy:F3} halt {t.HaltAccuracy:F3} steps {t.MeanSteps:F1}";
        if (p.Validation is { } v) line += $" | valid {v}";
        if (p.Remaining is { } r) line += $" | ETA {r:hh\\:mm\\:ss}";
        return line;
    }

    public void Dispose() => Loop.Dispose();

    /// <summary>Accumulates training metrics between progress reports; the loss is the optimised one (<see cref="StepMetrics.Loss"/>).</summary>
    private sealed class MetricsWindow
    {
        private StepMetrics _sum = new();
        private double _loss; private long _examples; private int _steps;
        private TimeSpan _since;

        public void Add(StepMetrics m, int batchSize)
        {
            _sum.Count += m.Count; _sum.TokenAccuracySum += m.TokenAccuracySum; _sum.ExactAccuracySum += m.ExactAccuracySum;
            _sum.HaltAccuracySum += m.HaltAccuracySum; _sum.StepsSum += m.StepsSum;
            _loss += m.Loss / batchSize; _examples += batchSize; _steps++;
        }

        public TrmProgress Report(TrmTrainingLoop loop, long totalSteps, TimeSpan elapsed, long startStep)
        {
            double seconds = Math.Max(1e-9, (elapsed - _since).TotalSeconds);
            double perStep = elapsed.TotalSeconds / Math.Max(1, loop.Step - startStep);
            var c = Math.Max(1, _sum.Count);
            var progress = new TrmProgress
            {
                Step = loop.Step, TotalSteps = totalSteps, Loss = _loss / Math.Max(1, _steps), LearningRate = loop.LearningRate,
                ExamplesPerSecond = _examples / seconds, Elapsed = elapsed,
                Remaining = TimeSpan.FromSeconds(perStep * Math.Max(0, totalSteps - loop.Step)),
                Train = new TrmMetrics(_sum.Count, (double)_sum.ExactAccuracySum / c, _sum.TokenAccuracySum / c, (double)_sum.HaltAccuracySum / c, (double)_sum.StepsSum / c),
            };
            _sum = new StepMetrics(); _loss = 0; _examples = 0; _steps = 0; _since = elapsed;
            return progress;
        }
    }
}
