using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trm;
using Microsoft.ML.Trm.Benchmarks;
using Microsoft.ML.Trm.Model;
using Microsoft.ML.Trm.Inference;
using Microsoft.ML.Trm.Training;
using TorchSharp;
using static TorchSharp.torch;

// TRM benchmark: our speed measured against this machine's own matrix-multiply throughput, in the same run.
// usage: dotnet run -c Release --project test/Microsoft.ML.Trm.Benchmarks -- [--quick] [--device cpu|cuda[:N]] [--verbose] --out DIR
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
if (args.Contains("--onnx")) return OnnxBenchmark.Run(args);   // TorchSharp vs ONNX Runtime inference (OnnxBenchmark.cs)
bool quick = args.Contains("--quick"), verbose = args.Contains("--verbose"), trainOnly = args.Contains("--train-only");
string Arg(string name, string fallback) { int i = Array.IndexOf(args, name); return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback; }
var outDir = Arg("--out", "benchmark-results");
var deviceId = TrmDevice.ParseDeviceId(Arg("--device", "cpu"));
var device = TrmDevice.Resolve(deviceId, fallbackToCpu: false);
var precision = device.type == DeviceType.CUDA ? TrmPrecision.Auto : TrmPrecision.Float32;
var forwardType = TrmDevice.ForwardType(precision, device);
Directory.CreateDirectory(outDir);
const int Batch = 32;
var results = new Dictionary<string, object>
{
    ["machine"] = $"{Environment.ProcessorCount} logical CPUs, {RuntimeInfo()}",
    ["device"] = device.ToString(),
    ["compute_dtype"] = forwardType.ToString(),
    ["torch_threads"] = get_num_threads(),
    ["quick"] = quick,
    ["batch"] = Batch,
    ["date_utc"] = DateTime.UtcNow.ToString("u"),
};
Console.WriteLine($"TRM benchmark on {device} ({forwardType}), {get_num_threads()} torch threads, {(quick ? "quick" : "full")} mode");

// 1. The machine's reference point: large square float32 (or bf16 on CUDA) products after warm-up.
double matmul = MatmulGflops(quick ? 1536 : 2048, device, forwardType, quick ? 6 : 12);
results["matmul_gflops"] = Math.Round(matmul, 1);
Console.WriteLine($"matmul: {matmul:F1} GFLOP/s");

// 2. One supervision step of each preset at batch 32: forward of all T·(n+1) calls, backward, optimiser, EMA.
var presets = new Dictionary<string, object>();
foreach (var preset in new[] { TrmPresets.SudokuMlp, TrmPresets.SudokuAtt })
{
    var options = TrmPresets.Create(preset);
    options.Precision = precision;
    var arch = options.ToArchitecture(11, 81, 1);
    var generator = new Generator(0);
    using var network = new TrmNetwork(arch, forwardType, generator);
    network.to(device);
    using var loop = new TrmTrainingLoop(network, options, totalSteps: 65_000, device, generator);
    var batch = RandomSudokuBatch(Batch, seed: 1);
    int warm = 1, timed = quick ? 2 : 5;
    for (int i = 0; i < warm; i++) loop.TrainStep(batch);
    Synchronize(device);
    var clock = Stopwatch.StartNew();
    for (int i = 0; i < timed; i++) loop.TrainStep(batch);
    Synchronize(device);
    double ms = clock.Elapsed.TotalMilliseconds / timed;
    double gflops = FlopCount.TrainStep(arch, Batch) / (ms / 1000) / 1e9;
    presets[preset] = new Dictionary<string, object>
    {
        ["parameters"] = network.ParameterCount,
        ["train_step_ms"] = Math.Round(ms, 1),
        ["train_gflop_per_step"] = Math.Round(FlopCount.TrainStep(arch, Batch) / 1e9, 1),
        ["train_gflops"] = Math.Round(gflops, 1),
        ["train_utilisation"] = Math.Round(gflops / matmul, 3),
    };
    Console.WriteLine($"{preset}: {ms:F0} ms/step, {gflops:F1} GFLOP/s, utilisation {gflops / matmul:F3}");
    if (verbose) Breakdown(network, loop, batch, device);
}
results["presets"] = presets;

// 3. Inference: the model's own evaluation loop vs. the same puzzles through a saved-and-loaded ML.NET transformer.
if (!trainOnly)
{
    int puzzles = quick ? 16 : 64;
    var options = TrmPresets.Create(TrmPresets.SudokuMlp);
    options.Precision = precision;
    options.InferenceBatchSize = 16;
    options.InputColumnName = "PuzzleTokens";
    var arch = options.ToArchitecture(11, 81, 1);
    var network = new TrmNetwork(arch, forwardType, new Generator(0));
    network.to(device);
    var transformer = new TrmTransformer(network, options, device, trainedSteps: 0);
    var batch = RandomSudokuBatch(puzzles, seed: 2);
    var rows = Enumerable.Range(0, puzzles).Select(i => batch.Inputs.AsSpan(i * 81, 81).ToArray()).ToList();
    var ml = new MLContext(seed: 0);
    var data = ml.Data.LoadFromEnumerable(rows.Select(r => new TokenRow { PuzzleTokens = r.Select(v => (int)v).ToArray() }).ToList());
    var zip = Path.Combine(outDir, "bench-model.zip");
    ml.Model.Save(transformer, data.Schema, zip);
    using var loaded = (TrmTransformer)ml.Model.Load(zip, out _);
    File.Delete(zip);

    TrmInference.Predict(network, rows.Take(2).ToList(), new long[2], device);   // warm-up
    Synchronize(device);
    var clock = Stopwatch.StartNew();
    for (int start = 0; start < puzzles; start += options.InferenceBatchSize)
    {
        int n = Math.Min(options.InferenceBatchSize, puzzles - start);
        TrmInference.Predict(network, rows.Skip(start).Take(n).ToList(), new long[n], device);
    }
    Synchronize(device);
    double raw = puzzles / clock.Elapsed.TotalSeconds;

    clock.Restart();
    int count = 0;
    var scored = loaded.Transform(data);
    using (var cursor = scored.GetRowCursor(scored.Schema.Where(c => c.Name == "PredictedTokens")))
    {
        var getter = cursor.GetGetter<VBuffer<int>>(scored.Schema["PredictedTokens"]);
        VBuffer<int> value = default;
        while (cursor.MoveNext()) { getter(ref value); count++; }
    }
    Synchronize(device);
    double mlnet = count / clock.Elapsed.TotalSeconds;
    results["infer_preset"] = TrmPresets.SudokuMlp;
    results["infer_puzzles"] = puzzles;
    results["infer_puzzles_per_s_raw"] = Math.Round(raw, 3);
    results["infer_puzzles_per_s_mlnet"] = Math.Round(mlnet, 3);
    results["mlnet_overhead"] = Math.Round(raw / mlnet - 1, 4);
    results["infer_gflops"] = Math.Round(FlopCount.Inference(arch, 1) * raw / 1e9, 1);
    Console.WriteLine($"inference (sudoku-mlp, all 16 steps): raw {raw:F3} puzzles/s, ML.NET {mlnet:F3} puzzles/s, overhead {raw / mlnet - 1:P2}");
    transformer.Dispose();
}

// 4. Native tensors stay flat over 100 training steps (tiny preset: the paper presets take seconds per step on a CPU).
{
    var options = TrmPresets.Create(TrmPresets.Tiny);
    var arch = options.ToArchitecture(11, 81, 1);
    var generator = new Generator(0);
    using var network = new TrmNetwork(arch, forwardType, generator);
    network.to(device);
    using var loop = new TrmTrainingLoop(network, options, totalSteps: 1000, device, generator);
    var batch = RandomSudokuBatch(Batch, seed: 3);
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
results["peak_rss_mb"] = Math.Round(Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0, 0);
Console.WriteLine($"peak RSS: {results["peak_rss_mb"]} MB");

File.WriteAllText(Path.Combine(outDir, "results.json"), JsonSerializer.Serialize(results, new JsonSerializerOptions { WriteIndented = true }));
File.WriteAllText(Path.Combine(outDir, "results.md"), Markdown(results));
Console.WriteLine(Markdown(results));
return 0;

static TrmBatch RandomSudokuBatch(int size, int seed)
{
    var rng = new Random(seed);
    var x = new long[size * 81]; var y = new long[size * 81];
    for (int i = 0; i < x.Length; i++) { y[i] = rng.Next(2, 11); x[i] = rng.Next(3) == 0 ? y[i] : 1; }
    return new TrmBatch(size, 81, x, y, new long[size]);
}

static double MatmulGflops(int n, Device device, ScalarType dtype, int reps)
{
    using var scope = NewDisposeScope();
    var a = randn(n, n, device: device).to(dtype); var b = randn(n, n, device: device).to(dtype);
    for (int i = 0; i < 3; i++) a.matmul(b).Dispose();
    Synchronize(device);
    var clock = Stopwatch.StartNew();
    for (int i = 0; i < reps; i++) a.matmul(b).Dispose();
    Synchronize(device);
    return 2.0 * n * n * n * reps / clock.Elapsed.TotalSeconds / 1e9;
}

static void Synchronize(Device device) { if (device.type == DeviceType.CUDA) cuda.synchronize(device); }

static string RuntimeInfo() => $".NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}";

static void Breakdown(TrmNetwork network, TrmTrainingLoop loop, TrmBatch batch, Device device)
{
    // Phases of one step, timed separately: f calls without gradient, with gradient, backward, optimiser + EMA.
    var arch = network.Architecture;
    using var scope = NewDisposeScope();
    var inputs = tensor(batch.Inputs, new long[] { batch.Size, 81 }).to(device);
    var ids = zeros(batch.Size, ScalarType.Int64, device: device);
    var (y, z) = network.InitialState(batch.Size, device);
    var x = network.EmbedInput(inputs, ids);
    var clock = Stopwatch.StartNew();
    using (no_grad()) for (int i = 0; i < arch.InnerCycles + 1; i++) z = network.Net.forward(z, y + x);
    Synchronize(device);
    double noGradCall = clock.Elapsed.TotalMilliseconds / (arch.InnerCycles + 1);
    clock.Restart();
    var h = z;
    for (int i = 0; i < arch.InnerCycles + 1; i++) h = network.Net.forward(h, y + x);
    Synchronize(device);
    double gradCall = clock.Elapsed.TotalMilliseconds / (arch.InnerCycles + 1);
    clock.Restart();
    h.square().mean().backward();
    Synchronize(device);
    double backward = clock.Elapsed.TotalMilliseconds;
    clock.Restart();
    loop.Optimizer.Step(1e-4);
    loop.Ema?.Update();
    Synchronize(device);
    double optimizer = clock.Elapsed.TotalMilliseconds;
    loop.Optimizer.ZeroGrad();
    double flops = FlopCount.NetworkCall(arch, batch.Size);
    Console.WriteLine($"  f call without grad {noGradCall:F1} ms ({flops / noGradCall / 1e6:F1} GFLOP/s) | with grad {gradCall:F1} ms | backward of {arch.InnerCycles + 1} calls {backward:F0} ms ({2 * flops * (arch.InnerCycles + 1) / backward / 1e6:F1} GFLOP/s) | optimiser+EMA {optimizer:F1} ms");
}

static string Markdown(Dictionary<string, object> r)
{
    var sb = new StringBuilder();
    sb.AppendLine($"| metric | value |").AppendLine("|---|---|");
    sb.AppendLine($"| machine | {r["machine"]} |");
    sb.AppendLine($"| device / dtype / threads | {r["device"]} / {r["compute_dtype"]} / {r["torch_threads"]} |");
    sb.AppendLine($"| matmul_gflops | {r["matmul_gflops"]} |");
    foreach (var (name, value) in (Dictionary<string, object>)r["presets"])
    {
        var p = (Dictionary<string, object>)value;
        sb.AppendLine($"| {name} train_step_ms (batch {r["batch"]}) | {p["train_step_ms"]} |");
        sb.AppendLine($"| {name} train_gflops / train_utilisation | {p["train_gflops"]} / {p["train_utilisation"]} |");
    }
    if (r.ContainsKey("infer_preset")) {
    sb.AppendLine($"| infer_puzzles_per_s_raw ({r["infer_preset"]}, 16 steps) | {r["infer_puzzles_per_s_raw"]} |");
    sb.AppendLine($"| infer_puzzles_per_s_mlnet | {r["infer_puzzles_per_s_mlnet"]} |");
    sb.AppendLine($"| mlnet_overhead | {r["mlnet_overhead"]} |");
    }
    sb.AppendLine($"| live tensors before / after 100 steps | {r["live_tensors_before_100_steps"]} / {r["live_tensors_after_100_steps"]} |");
    sb.AppendLine($"| peak_rss_mb | {r["peak_rss_mb"]} |");
    return sb.ToString();
}

internal sealed class TokenRow
{
    [VectorType(81)] public int[] PuzzleTokens { get; set; } = new int[81];
}
