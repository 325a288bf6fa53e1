using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using Microsoft.ML.Trm.Training;

namespace Microsoft.ML.Trm.Cli;

/// <summary>
/// The loop of <c>trm compare</c>: loads the data, skips finished runs on <c>--resume</c>, runs the rest — seed by seed,
/// <c>--jobs</c> at a time, each with its share of the cores — and rewrites the three result files after every finished run.
/// </summary>
internal sealed class CompareRunner
{
    private readonly CompareRequest _request;
    private readonly Cli.Io _io;
    private readonly object _lock = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private CompareResults _results = null!;
    private double _wallBefore;

    public CompareRunner(CompareRequest request, Cli.Io io) => (_request, _io) = (request, io);

    public int Run()
    {
        var train = Tasks.Load(_request.Task, _request.DataPath);
        var valid = Tasks.Load(_request.Task, _request.ValidPath);
        if (valid.Codec.Id != train.Codec.Id)
            throw new CliException($"--valid {_request.ValidPath}: puzzles of '{valid.Codec.Id}', but --data holds '{train.Codec.Id}'.");
        WarnAboutOverlap(train, valid);
        _results = OpenResults(Settings(train, valid));
        _wallBefore = _results.WallSeconds;

        var data = TrmDataset.FromRows(train.Examples.Select(e => train.Codec.Encode(e.Puzzle)).ToList(), train.Examples.Select(e => train.Codec.Encode(e.Solution)).ToList());
        var heldOut = new HeldOutSet(valid.Examples, valid.Codec);
        var jobs = Enumerable.Range(0, _request.Seeds)
            .SelectMany(seed => _request.Configs.Select(name => (Entry: CompareConfigurations.Find(name)!, Seed: seed)))
            .Where(j => !_results.Has(j.Entry.Name, j.Seed))
            .Select(j => CompareRun.Plan(j.Entry, j.Seed, _request, data, train.Codec.VocabSize)).ToList();
        int total = _request.Seeds * _request.Configs.Count;
        _io.Line($"trm compare: {_request.Configs.Count} configurations × {_request.Seeds} seeds on {train.Examples.Count:N0} training and {valid.Examples.Count:N0} held-out puzzles; " +
            $"{total - jobs.Count} finished, {jobs.Count} to run, {_request.Jobs} at a time with {_request.ThreadsPerJob} thread(s) each; results in {_request.OutDir}.");
        RunAll(jobs, data, train.Codec.VocabSize, heldOut, total - jobs.Count, total);
        Save();
        _io.Line($"done: {_results.Runs.Count} runs in {Path.Combine(_request.OutDir, CompareReport.MarkdownFile)}, " +
            $"{CompareReport.JsonFile} and {CompareReport.ChartFile}; wall time {_results.WallSeconds / 60:F1} min.");
        return Cli.Ok;
    }

    private void RunAll(List<CompareJob> jobs, TrmDataset data, int vocab, HeldOutSet heldOut, int finished, int total)
    {
        var queue = new ConcurrentQueue<CompareJob>(jobs);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(_io.Cancel);
        ExceptionDispatchInfo? failure = null;
        int started = finished;
        void Worker()
        {
            TorchSharp.torch.set_num_threads(_request.ThreadsPerJob);
            while (!stop.IsCancellationRequested && queue.TryDequeue(out var job))
            {
                string name = $"{job.Entry.Name} seed {job.Seed}";
                string tag = $"[{Interlocked.Increment(ref started)}/{total}] {name}";
                Say($"{tag}: {(job.Steps is { } s ? $"{s:N0} steps" : $"{job.Duration!.Value.TotalMinutes:G3} min")} × {job.FlopsPerStep:E2} FLOPs/step");
                try
                {
                    var result = CompareRun.Execute(job, data, vocab, heldOut, _request.CurvePoints, _request.CurveSample, stop.Token, line => Say($"  {name}: {line}"));
                    lock (_lock) { _results.Runs.Add(result); Save(); }
                    Say($"{tag}: exact {Cli.Percent(result.ExactAccuracy)}, token {Cli.Percent(result.TokenAccuracy)}, blank cells {Cli.Percent(result.BlankCellAccuracy)} " +
                        $"after {result.Steps:N0} steps ({result.TrainingFlops:E2} FLOPs) in {result.TrainSeconds:F0} s; held-out evaluation {result.EvalSeconds:F0} s.");
                }
                catch (OperationCanceledException) { return; }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref failure, ExceptionDispatchInfo.Capture(e), null);
                    stop.Cancel();
                    return;
                }
            }
        }
        var threads = Enumerable.Range(0, Math.Min(_request.Jobs, Math.Max(1, jobs.Count))).Select(_ => new Thread(Worker) { IsBackground = true }).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        failure?.Throw();
        if (_io.Cancel.IsCancellationRequested)
        {
            lock (_lock) Save();
            throw new OperationCanceledException($"{_results.Runs.Count} finished runs are in {_request.OutDir}; run the same command with --resume to do the other {total - _results.Runs.Count}.");
        }
    }

    private void Save()
    {
        _results.WallSeconds = _wallBefore + _clock.Elapsed.TotalSeconds;
        CompareReport.Write(_request.OutDir, _results, _request.Configs);
    }

    private void Say(string line)
    {
        lock (_io) _io.Line(line);
    }

    private CompareSettings Settings(LoadedData train, LoadedData valid) => new()
    {
        Task = _request.Task, Data = _request.DataPath, DataSha256 = Sha256(_request.DataPath), TrainPuzzles = train.Examples.Count,
        Valid = _request.ValidPath, ValidSha256 = Sha256(_request.ValidPath), HeldOutPuzzles = valid.Examples.Count, Hidden = _request.Hidden,
        BudgetFlops = _request.BudgetFlops, BudgetMinutes = _request.BudgetMinutes, CurvePoints = _request.CurvePoints, CurveSample = _request.CurveSample,
    };

    /// <summary>The recorded results on <c>--resume</c> (same settings only); otherwise new ones — never silently over finished runs.</summary>
    private CompareResults OpenResults(CompareSettings settings)
    {
        string path = Path.Combine(_request.OutDir, CompareReport.JsonFile);
        if (!File.Exists(path)) return new CompareResults { Settings = settings };
        if (!_request.Resume)
            throw new UsageException($"--out {_request.OutDir} already holds {CompareReport.JsonFile}: pass --resume to continue it, or choose another --out.");
        var recorded = CompareResults.Read(path);
        recorded.CheckSameSettings(settings, path);
        return recorded;
    }

    private void WarnAboutOverlap(LoadedData train, LoadedData valid)
    {
        var seen = train.Examples.Select(e => e.Puzzle).ToHashSet();
        int overlap = valid.Examples.Count(e => seen.Contains(e.Puzzle));
        if (overlap > 0) _io.Line($"warning: {overlap} of the {valid.Examples.Count} --valid puzzles are also in --data; held-out accuracy will flatter the models.");
    }

    private static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant();
    }
}
