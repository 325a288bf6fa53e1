using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trm;
using Microsoft.ML.Trm.Benchmarks;
using Microsoft.ML.Trm.Data;
using Microsoft.ML.Trm.Model;
using Microsoft.ML.Trm.Inference;
using Microsoft.ML.Trm.Training;
using TorchSharp;
using static TorchSharp.torch;

// TRM benchmark: each model's speed against the best rate this machine reaches on that model's own matrix products,
// measured in the same run, before and after the workload.
// usage: dotnet run -c Release --project test/Microsoft.ML.Trm.Benchmarks -- [--quick] [--device cpu|cuda[:N]]
//        [--verbose] [--train-only] [--no-live] [--only tiny,main-job,sudoku-mlp,sudoku-att,tiny-infer] [--threads N] --out DIR
//        (diagnostics: --micro [--micro-batch B --micro-hidden D], --micro-attention [--micro-batch B], --micro-sdpa, --micro-swiglu [--micro-batch B --micro-hidden D],
//         --micro-rope, --micro-norm, --micro-linear, --micro-gateup)
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
if (args.Contains("--onnx")) return OnnxBenchmark.Run(args);   // TorchSharp vs ONNX Runtime inference (OnnxBenchmark.cs)
bool quick = args.Contains("--quick"), verbose = args.Contains("--verbose"), trainOnly = args.Contains("--train-only");
string Arg(string name, string fallback) { int i = Array.IndexOf(args, name); return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback; }
var only = Arg("--only", "").Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
bool Run(string name) => only.Count == 0 || only.Contains(name);
var outDir = Arg("--out", "benchmark-results");
if (Arg("--threads", "") is { Length: > 0 } threadText) set_num_threads(int.Parse(threadText));
var deviceId = TrmDevice.ParseDeviceId(Arg("--device", "cpu"));
var device = TrmDevice.Resolve(deviceId, fallbackToCpu: false);
var precision = Arg("--precision", "") is { Length: > 0 } precisionText
    ? Enum.Parse<TrmPrecision>(precisionText, ignoreCase: true)
    : device.type == DeviceType.CUDA ? TrmPrecision.Auto : TrmPrecision.Float32;
var forwardType = TrmDevice.ForwardType(precision, device, training: true);
Directory.CreateDirectory(outDir);
if (args.Contains("--micro-attention")) { Micro.AttentionBlock(int.Parse(Arg("--micro-batch", "32")), 97, 512, 1536, 8, 5); return 0; }
if (args.Contains("--micro-sdpa")) { Micro.AttentionCore(int.Parse(Arg("--micro-batch", "32")), 97, 8, 64, 5); return 0; }
if (args.Contains("--micro-linear")) { Micro.LinearLayouts(32 * 97, 5); return 0; }
if (args.Contains("--micro-rope")) { Micro.Rope(int.Parse(Arg("--micro-batch", "32")), 97, 8, 64, 5); return 0; }
if (args.Contains("--micro-norm")) { Micro.Norm(int.Parse(Arg("--micro-batch", "32")), 97, 512, 5); return 0; }
if (args.Contains("--micro-gateup")) { Micro.GateUp(int.Parse(Arg("--micro-batch", "32")), 97, 512, 1536, 5); return 0; }
if (args.Contains("--micro-swiglu")) { Micro.SwiGluBlocks(int.Parse(Arg("--micro-batch", "32")), int.Parse(Arg("--micro-hidden", "512")), 4); return 0; }
if (args.Contains("--micro")) { Micro.Run(int.Parse(Arg("--micro-batch", "64")), 97, int.Parse(Arg("--micro-hidden", "64")), 512, 10); return 0; }
const int PaperBatch = 32;
int trials = quick ? 5 : 7, timedSteps = quick ? 5 : 9;
var yardstick = new Yardstick(device, forwardType, trials, trialSeconds: quick ? 0.05 : 0.1);
var results = new Dictionary<string, object>
{
    ["machine"] = $"{Environment.ProcessorCount} logical CPUs, {RuntimeInfo()}",
    ["device"] = device.ToString(),
    ["compute_dtype"] = forwardType.ToString(),
    ["torch_threads"] = get_num_threads(),
    ["quick"] = quick,
    ["trials_best_of"] = trials,
    ["timed_steps"] = timedSteps,
    ["date_utc"] = DateTime.UtcNow.ToString("u"),
};
Console.WriteLine($"TRM benchmark on {device} ({forwardType}), {get_num_threads()} torch threads, {(quick ? "quick" : "full")} mode");

// 1. The large-square reference, reported beside each model's own ceiling (not used for utilisation).
int square = quick ? 1536 : 2048;
var squareShape = new MatmulShape("square", 1, square, square, square, 1);
double squareBefore = yardstick.Measure(squareShape);
Console.WriteLine($"square {square}³ best-of-{trials}: {squareBefore:F1} GFLOP/s");

// 2. Training steps: tiny at its own batch (64), the paper presets at batch 32; the main job's configuration.
var models = new Dictionary<string, object>();
var tinyTraining = TrmPresets.Create(TrmPresets.Tiny);
if (Run("tiny")) models["tiny"] = TrainRow("tiny", tinyTraining, tinyTraining.BatchSize, RandomSudokuBatch(tinyTraining.BatchSize, 9, seed: 1));
if (Run("main-job"))
{
    // `trm train` with no --data: the tiny preset without EMA on 9×9 Sudoku with 40 givens (Cli.Demo), batch 64.
    var mainJob = TrmPresets.Create(TrmPresets.Tiny);
    mainJob.UseEma = false;
    var row = TrainRow("main-job", mainJob, mainJob.BatchSize, MainJobBatch(mainJob.BatchSize));
    row["examples_per_s"] = Math.Round(mainJob.BatchSize / ((double)row["train_step_ms_median"] / 1000), 1);
    row["steps_in_3_minutes_at_this_rate"] = (int)(180_000 / (double)row["train_step_ms_median"]);
    Console.WriteLine($"  main job: {row["examples_per_s"]} examples/s, {row["steps_in_3_minutes_at_this_rate"]} steps in 3 minutes (training steps only)");
    models["main-job"] = row;
}
foreach (var preset in new[] { TrmPresets.SudokuMlp, TrmPresets.SudokuAtt })
    if (Run(preset)) models[preset] = TrainRow(preset, TrmPresets.Create(preset), PaperBatch, RandomSudokuBatch(PaperBatch, 9, seed: 1));
results["models"] = models;

// 3. Inference of tiny: the model's own evaluation loop vs. the same puzzles through a saved-and-loaded ML.NET
// transformer, alternated over repeated runs.
if (!trainOnly && Run("tiny-infer")) results["tiny_inference"] = InferenceRow();

// 4. Native tensors stay flat over 100 training steps (tiny preset).
if (Run("tiny") && !args.Contains("--no-live"))
{
    var options = TrmPresets.Create(TrmPresets.Tiny);
    var arch = options.ToArchitecture(11, 81, 1);
    var generator = new Generator(0);
    using var network = new TrmNetwork(arch, forwardType, generator);
    network.to(device);
    using var loop = new TrmTrainingLoop(network, options, totalSteps: 1000, device, generator);
    var batch = RandomSudokuBatch(PaperBatch, 9, seed: 3);
    for (int i = 0; i < 5; i++) loop.TrainStep(batch);
    GC.Collect(); GC.WaitForPendingFinalizers();
    long before = Tensor.TotalCount;
    for (int i = 0; i < 100; i++) loop.TrainStep(batch);
    GC.Collect(); GC.WaitForPendingFinalizers();
    long after = Tensor.TotalCount;
    results["live_tensors_before_100_steps"] = before;
    results["live_tensors_after_100_steps"] = after;
    Console.WriteLine($"live native tensors: {before} before, {after} after 100 steps (tiny preset)");
}

double squareAfter = yardstick.Measure(squareShape);
results["square_matmul"] = new Dictionary<string, object>
{
    ["shape"] = $"{square}³",
    ["gflops_before"] = Math.Round(squareBefore, 1),
    ["gflops_after"] = Math.Round(squareAfter, 1),
    ["gflops_best"] = Math.Round(Math.Max(squareBefore, squareAfter), 1),
};
Console.WriteLine($"square {square}³ after the workload: {squareAfter:F1} GFLOP/s");
results["peak_rss_mb"] = Math.Round(Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0, 0);
Console.WriteLine($"peak RSS: {results["peak_rss_mb"]} MB");

File.WriteAllText(Path.Combine(outDir, "results.json"), JsonSerializer.Serialize(results, new JsonSerializerOptions { WriteIndented = true }));
File.WriteAllText(Path.Combine(outDir, "results.md"), Markdown(results));
Console.WriteLine(Markdown(results));
return 0;

// One model's training row: ceiling before, ≥ 5 timed steps after warm-up, ceiling after; utilisation against the
// best of both ceilings.
Dictionary<string, object> TrainRow(string name, TrmOptions options, int batchSize, TrmBatch batch)
{
    options.Precision = precision;
    var arch = options.ToArchitecture(11, 81, 1);
    var products = FlopCount.TrainStepProducts(arch, batchSize);
    double ceilingBefore = yardstick.MeasureModel(products);
    var generator = new Generator(0);
    using var network = new TrmNetwork(arch, forwardType, generator);
    network.to(device);
    using var loop = new TrmTrainingLoop(network, options, totalSteps: 65_000, device, generator);
    int warm = name is "tiny" or "main-job" ? 3 : 1, timed = name is "tiny" or "main-job" ? Math.Max(timedSteps, 15) : timedSteps;
    for (int i = 0; i < warm; i++) loop.TrainStep(batch);
    var phases = new Dictionary<string, List<double>>();
    var phaseClock = new Stopwatch();
    int gradCalls = 0;
    loop.OnPhase = phase =>
    {
        Yardstick.Synchronize(device);
        Record(phases, phase, phaseClock.Elapsed.TotalMilliseconds);
        phaseClock.Restart();
    };
    network.Net.OnCall = grad =>
    {
        // Splits "forward" into the calls without gradient and the rest (the recursion with gradient and the heads).
        if (!grad || gradCalls++ > 0) return;
        Yardstick.Synchronize(device);
        Record(phases, "forward (no grad)", phaseClock.Elapsed.TotalMilliseconds);
        phaseClock.Restart();
    };
    var steps = new List<double>();
    var cpuSteps = new List<double>();   // process CPU time per step: steadier than wall time on a shared machine
    for (int i = 0; i < timed; i++)
    {
        Synchronize(device);
        gradCalls = 0;
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        phaseClock.Restart();
        loop.TrainStep(batch);
        Synchronize(device);
        steps.Add(clock.Elapsed.TotalMilliseconds);
        cpuSteps.Add((Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds);
    }
    loop.OnPhase = null;
    network.Net.OnCall = null;
    double ceilingAfter = yardstick.MeasureModel(products);
    double ceiling = yardstick.Ceiling(products);
    double median = Median(steps), flops = products.Sum(p => p.Flops);
    double gflops = flops / (median / 1000) / 1e9;
    double utilisation = gflops / ceiling;
    var row = new Dictionary<string, object>
    {
        ["batch"] = batchSize,
        ["parameters"] = network.ParameterCount,
        ["train_step_ms_median"] = Math.Round(median, 1),
        ["train_step_ms_min"] = Math.Round(steps.Min(), 1),
        ["train_step_ms_max"] = Math.Round(steps.Max(), 1),
        ["train_step_cpu_ms_median"] = Math.Round(Median(cpuSteps), 1),
        ["timed_steps"] = timed,
        ["train_gflop_per_step"] = Math.Round(flops / 1e9, 2),
        ["train_gflops"] = Math.Round(gflops, 1),
        ["ceiling_gflops"] = Math.Round(ceiling, 1),
        ["ceiling_gflops_before"] = Math.Round(ceilingBefore, 1),
        ["ceiling_gflops_after"] = Math.Round(ceilingAfter, 1),
        ["train_utilisation"] = Math.Round(utilisation, 3),
        ["utilisation_of_square"] = Math.Round(gflops / Math.Max(squareBefore, 1e-9), 3),
        ["shapes"] = yardstick.PerShape(products).Select(s => $"{s.Shape} {s.Gflops:F1} GFLOP/s ({s.FlopShare:P0} of FLOPs)").ToList(),
        ["phase_ms_median"] = phases.ToDictionary(p => p.Key, p => Math.Round(Median(p.Value), 2)),
    };
    if (utilisation > 1.0) row["measurement_error"] = "utilisation above 1: the step ran its products faster than their best isolated trial (noisy machine?)";
    Console.WriteLine($"{name}: {median:F1} ms/step (min {steps.Min():F1}, max {steps.Max():F1}, {timed} steps; CPU {Median(cpuSteps):F1} ms/step), {gflops:F1} GFLOP/s, " +
        $"ceiling {ceiling:F1} (before {ceilingBefore:F1}, after {ceilingAfter:F1}), utilisation {utilisation:F3}{(utilisation > 1 ? " MEASUREMENT ERROR" : "")}");
    if (verbose)
    {
        foreach (var line in (List<string>)row["shapes"]) Console.WriteLine($"    {line}");
        Console.WriteLine("  phases (median ms): " + string.Join(" | ", phases.Select(p => $"{p.Key} {Median(p.Value):F2}")));
    }
    return row;
}

Dictionary<string, object> InferenceRow()
{
    int puzzles = 256, rounds = quick ? 5 : 9;
    var options = TrmPresets.Create(TrmPresets.Tiny);
    options.Precision = precision;
    options.InputColumnName = "PuzzleTokens";
    var arch = options.ToArchitecture(11, 81, 1);
    var network = new TrmNetwork(arch, forwardType, new Generator(0));
    network.to(device);
    var transformer = new TrmTransformer(network, options, device, trainedSteps: 0);
    var batch = RandomSudokuBatch(puzzles, 9, seed: 2);
    var rows = Enumerable.Range(0, puzzles).Select(i => batch.Inputs.AsSpan(i * 81, 81).ToArray()).ToList();
    var ml = new MLContext(seed: 0);
    var data = ml.Data.LoadFromEnumerable(rows.Select(r => new TokenRow { PuzzleTokens = r.Select(v => (int)v).ToArray() }).ToList());
    var zip = Path.Combine(outDir, "bench-model.zip");
    ml.Model.Save(transformer, data.Schema, zip);
    using var loaded = (TrmTransformer)ml.Model.Load(zip, out _);
    File.Delete(zip);
    int inferBatch = options.InferenceBatchSize;
    var products = FlopCount.InferenceProducts(arch, inferBatch);
    yardstick.MeasureModel(products);

    // The raw loop: the inference core on the same batches the transformer reads (InferenceBatchSize rows each).
    var chunks = Enumerable.Range(0, (puzzles + inferBatch - 1) / inferBatch)
        .Select(c => TokenBatch.FromRows(rows.Skip(c * inferBatch).Take(inferBatch).Select(r => r.Select(v => (int)v).ToArray()).ToList(), null, 81, "PuzzleTokens"))
        .ToList();
    double Raw()
    {
        var clock = Stopwatch.StartNew();
        foreach (var chunk in chunks) TrmInference.Run(network, device, chunk);
        Synchronize(device);
        return puzzles / clock.Elapsed.TotalSeconds;
    }
    double MlNet()
    {
        var clock = Stopwatch.StartNew();
        int count = 0;
        var scored = loaded.Transform(data);
        using (var cursor = scored.GetRowCursor(scored.Schema.Where(c => c.Name == "PredictedTokens")))
        {
            var getter = cursor.GetGetter<VBuffer<int>>(scored.Schema["PredictedTokens"]);
            VBuffer<int> value = default;
            while (cursor.MoveNext()) { getter(ref value); count++; }
        }
        Synchronize(device);
        return count / clock.Elapsed.TotalSeconds;
    }
    Raw(); MlNet();   // warm-up
    var raw = new List<double>(); var mlnet = new List<double>(); var overhead = new List<double>();
    for (int r = 0; r < rounds; r++)
    {
        double a = Raw(), b = MlNet();
        raw.Add(a); mlnet.Add(b); overhead.Add(a / b - 1);
    }
    yardstick.MeasureModel(products);
    double ceiling = yardstick.Ceiling(products);
    double rawMedian = Median(raw);
    double gflops = FlopCount.Inference(arch, inferBatch) / inferBatch * rawMedian / 1e9;
    transformer.Dispose();
    var row = new Dictionary<string, object>
    {
        ["puzzles"] = puzzles,
        ["inference_batch"] = inferBatch,
        ["rounds"] = rounds,
        ["puzzles_per_s_raw_median"] = Math.Round(rawMedian, 1),
        ["puzzles_per_s_mlnet_median"] = Math.Round(Median(mlnet), 1),
        ["mlnet_overhead_median"] = Math.Round(Median(overhead), 4),
        ["mlnet_overhead_min"] = Math.Round(overhead.Min(), 4),
        ["mlnet_overhead_max"] = Math.Round(overhead.Max(), 4),
        ["infer_gflops"] = Math.Round(gflops, 1),
        ["ceiling_gflops"] = Math.Round(ceiling, 1),
        ["infer_utilisation"] = Math.Round(gflops / ceiling, 3),
    };
    Console.WriteLine($"tiny inference (all {arch.MaxSupervisionSteps} steps, batch {inferBatch}): raw {rawMedian:F1} puzzles/s, ML.NET {Median(mlnet):F1}, " +
        $"overhead median {Median(overhead):P2} (min {overhead.Min():P2}, max {overhead.Max():P2}), utilisation {gflops / ceiling:F3}");
    return row;
}

static void Record(Dictionary<string, List<double>> phases, string phase, double ms)
{
    if (!phases.TryGetValue(phase, out var list)) phases[phase] = list = new List<double>();
    list.Add(ms);
}

static double Median(IReadOnlyList<double> values)
{
    var sorted = values.OrderBy(v => v).ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
}

static TrmBatch RandomSudokuBatch(int size, int side, int seed)
{
    var rng = new Random(seed);
    int seq = side * side;
    var x = new long[size * seq]; var y = new long[size * seq];
    for (int i = 0; i < x.Length; i++) { y[i] = rng.Next(2, side + 2); x[i] = rng.Next(3) == 0 ? y[i] : 1; }
    return new TrmBatch(size, seq, x, y, new long[size]);
}

// The main job's data: 9×9 Sudoku with 40 givens from the generator `trm train` uses (Cli.Demo: seed 1).
static TrmBatch MainJobBatch(int size)
{
    var codec = new SudokuCodec(9);
    var examples = SudokuGenerator.Generate(new SudokuGeneratorOptions { Size = 9, TargetGivens = 40 }, 1).Take(size).ToList();
    var dataset = TrmDataset.FromRows(examples.Select(e => codec.Encode(e.Puzzle)).ToList(), examples.Select(e => codec.Encode(e.Solution)).ToList());
    return dataset.Batch(Enumerable.Range(0, size).ToArray());
}

static void Synchronize(Device device) => Yardstick.Synchronize(device);

static string RuntimeInfo() => $".NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}";

static string Markdown(Dictionary<string, object> r)
{
    var sb = new StringBuilder();
    var sq = (Dictionary<string, object>)r["square_matmul"];
    sb.AppendLine($"| metric | value |").AppendLine("|---|---|");
    sb.AppendLine($"| machine | {r["machine"]} |");
    sb.AppendLine($"| device / dtype / threads | {r["device"]} / {r["compute_dtype"]} / {r["torch_threads"]} |");
    sb.AppendLine($"| square matmul {sq["shape"]} GFLOP/s, best-of-{r["trials_best_of"]} before / after | {sq["gflops_before"]} / {sq["gflops_after"]} |");
    foreach (var (name, value) in (Dictionary<string, object>)r["models"])
    {
        var p = (Dictionary<string, object>)value;
        sb.AppendLine($"| {name} train step ms, batch {p["batch"]}: median (min–max) of {p["timed_steps"]} | {p["train_step_ms_median"]} ({p["train_step_ms_min"]}–{p["train_step_ms_max"]}) |");
        sb.AppendLine($"| {name} GFLOP/s / own-shapes ceiling (before, after) / train_utilisation | {p["train_gflops"]} / {p["ceiling_gflops"]} ({p["ceiling_gflops_before"]}, {p["ceiling_gflops_after"]}) / **{p["train_utilisation"]}**{(p.ContainsKey("measurement_error") ? " (measurement error)" : "")} |");
        if (p.TryGetValue("examples_per_s", out var eps)) sb.AppendLine($"| {name} examples/s | {eps} |");
    }
    if (r.TryGetValue("tiny_inference", out var inf))
    {
        var i = (Dictionary<string, object>)inf;
        sb.AppendLine($"| tiny inference puzzles/s raw / ML.NET (median of {i["rounds"]}) | {i["puzzles_per_s_raw_median"]} / {i["puzzles_per_s_mlnet_median"]} |");
        sb.AppendLine($"| tiny inference GFLOP/s / ceiling / utilisation | {i["infer_gflops"]} / {i["ceiling_gflops"]} / {i["infer_utilisation"]} |");
        sb.AppendLine($"| mlnet_overhead median (min, max) | {i["mlnet_overhead_median"]} ({i["mlnet_overhead_min"]}, {i["mlnet_overhead_max"]}) |");
    }
    if (r.ContainsKey("live_tensors_before_100_steps"))
        sb.AppendLine($"| live tensors before / after 100 steps | {r["live_tensors_before_100_steps"]} / {r["live_tensors_after_100_steps"]} |");
    sb.AppendLine($"| peak_rss_mb | {r["peak_rss_mb"]} |");
    return sb.ToString();
}

internal sealed class TokenRow
{
    [VectorType(81)] public int[] PuzzleTokens { get; set; } = new int[81];
}
