using System.Diagnostics;
using System.Text;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.ML.Trm.Data;
using Microsoft.ML.Trm.Model;
using Microsoft.ML.Trm.Onnx;
using static TorchSharp.torch;

namespace Microsoft.ML.Trm.Benchmarks;

/// <summary>
/// Inference throughput, TorchSharp (TrmTransformer.Predict) against ONNX Runtime (the exported graph), same
/// machine, same process, same batches: a tiny model trained on 4×4 Sudoku and a randomly initialised sudoku-mlp.
/// One timed batch per engine (torch, then ORT), after a one-row warm-up for the tiny model.
/// usage: dotnet run -c Release --project test/Microsoft.ML.Trm.Benchmarks -- --onnx [--threads N] [--tiny-batch 256] [--mlp-batch 1] [--out DIR]
/// </summary>
internal static class OnnxBenchmark
{
    private sealed class Row
    {
        public string Puzzle { get; set; } = "";
        public string Solution { get; set; } = "";
    }

    private static int _threads;

    public static int Run(string[] args)
    {
        string Arg(string name, string fallback) { int i = Array.IndexOf(args, name); return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback; }
        int tinyBatch = int.Parse(Arg("--tiny-batch", "256")), mlpBatch = int.Parse(Arg("--mlp-batch", "1"));
        // Both engines get the same number of intra-op threads (default: TorchSharp's current count).
        int threads = int.Parse(Arg("--threads", get_num_threads().ToString()));
        set_num_threads(threads);
        _threads = threads;
        var outDir = Arg("--out", "benchmark-results");
        Directory.CreateDirectory(outDir);
        var table = new StringBuilder("| model | batch | TorchSharp puzzles/s | ONNX Runtime puzzles/s | ORT / Torch |\n|---|---:|---:|---:|---:|\n");
        Console.WriteLine($"ONNX benchmark: {Environment.ProcessorCount} logical CPUs, {threads} intra-op threads for TorchSharp and ONNX Runtime");

        // 1. A tiny model trained on 4×4 Sudoku (tiny preset, 200 steps).
        var ml = new MLContext(seed: 0);
        var codec = new SudokuCodec(4);
        var examples = SudokuGenerator.Generate(new SudokuGeneratorOptions { Size = 4, TargetGivens = 10 }, 1).Take(512 + tinyBatch).ToList();
        var train = ml.Data.LoadFromEnumerable(examples.Take(512).Select(e => new Row { Puzzle = e.Puzzle, Solution = e.Solution }).ToList());
        var options = TrmPresets.Create(TrmPresets.Tiny);
        options.MaxSteps = 200; options.InferenceBatchSize = tinyBatch;
        var clock = Stopwatch.StartNew();
        var model = ml.Transforms.EncodePuzzle("PuzzleTokens", "Puzzle", codec)
            .Append(ml.Transforms.EncodePuzzle("SolutionTokens", "Solution", codec))
            .Append(ml.Transforms.Trm(options)).Fit(train);
        Console.WriteLine($"trained tiny model in {clock.Elapsed.TotalSeconds:F0} s");
        var tiny = ((IEnumerable<ITransformer>)model).OfType<TrmTransformer>().Single();
        var tinyPuzzles = examples.Skip(512).Select(e => codec.Encode(e.Puzzle)).ToList();
        Console.WriteLine($"tiny model: {tiny.ParameterCount:N0} parameters");
        table.AppendLine(Measure("tiny (trained, 4×4 Sudoku, MLP-T, hidden 64, N_sup 4)", tiny, tinyPuzzles, outDir, warmUp: true));

        // 2. sudoku-mlp at paper size (5.0 M parameters, N_sup 16), random weights: speed does not depend on them.
        var mlpOptions = TrmPresets.Create(TrmPresets.SudokuMlp);
        mlpOptions.InferenceBatchSize = mlpBatch;
        using var network = new TrmNetwork(mlpOptions.ToArchitecture(11, 81, 1), ScalarType.Float32, new Generator(0));
        using var mlp = new TrmTransformer(network, mlpOptions, CPU, trainedSteps: 0);
        var rng = new Random(0);
        var mlpPuzzles = Enumerable.Range(0, mlpBatch).Select(_ => Enumerable.Range(0, 81).Select(_ => rng.Next(1, 11)).ToArray()).ToList();
        table.AppendLine(Measure("sudoku-mlp (random init, 9×9, N_sup 16)", mlp, mlpPuzzles, outDir, warmUp: false));

        File.WriteAllText(Path.Combine(outDir, "onnx.md"), table.ToString());
        Console.WriteLine(table);
        return 0;
    }

    private static string Measure(string name, TrmTransformer trm, List<int[]> puzzles, string outDir, bool warmUp)
    {
        var path = Path.Combine(outDir, name.Split(' ')[0] + ".onnx");
        trm.ExportOnnx(path, new TrmOnnxExportOptions { IncludeStepTokens = false });
        using var sessionOptions = new SessionOptions { IntraOpNumThreads = _threads, InterOpNumThreads = 1 };
        using var session = new InferenceSession(path, sessionOptions);
        int seq = puzzles[0].Length, batch = puzzles.Count;
        var flat = puzzles.SelectMany(p => p.Select(t => (long)t)).ToArray();
        double Ort(int rows)
        {
            var input = NamedOnnxValue.CreateFromTensor(TrmOnnxNames.Tokens, new DenseTensor<long>(flat.AsMemory(0, rows * seq), new[] { rows, seq }));
            var clock = Stopwatch.StartNew();
            using (session.Run(new[] { input })) { }
            return clock.Elapsed.TotalSeconds;
        }
        double Torch(int rows)
        {
            var clock = Stopwatch.StartNew();
            trm.Predict(puzzles.Take(rows).ToList());
            return clock.Elapsed.TotalSeconds;
        }
        if (warmUp) { Torch(1); Ort(1); }                  // first calls allocate; skipped where one call takes seconds anyway
        double torchSeconds = Torch(batch), ortSeconds = Ort(batch);
        Console.WriteLine($"{name}: batch {batch}: TorchSharp {torchSeconds:F2} s, ONNX Runtime {ortSeconds:F2} s");
        Console.WriteLine($"{path}: {new FileInfo(path).Length / 1e6:F1} MB");
        return $"| {name} | {batch} | {batch / torchSeconds:G3} | {batch / ortSeconds:G3} | {torchSeconds / ortSeconds:F2} |";
    }
}
