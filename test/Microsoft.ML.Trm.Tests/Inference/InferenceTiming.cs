using System.Diagnostics;
using Microsoft.ML.Trm.Tests.Trm;

namespace Microsoft.ML.Trm.Tests.Inference;

/// <summary>
/// Inference time of a tiny model (hidden 32, 1 layer, T=1, n=1, 16 supervision steps, 4×4 Sudoku) on 256 puzzles in batches of 64
/// through the public <see cref="TrmTransformer.Predict"/>; run by hand for before/after comparisons (public API only,
/// so the same file builds against older commits).
/// </summary>
public class InferenceTiming
{
    [Explicit("timing, run by hand"), Test]
    public void Predict256_TinyModel_MedianMilliseconds()
    {
        var ml = new MLContext(seed: 1);
        var options = TrmPipeline.SmallOptions(maxSteps: 1);
        (options.InferenceBatchSize, options.Layers, options.OuterCycles, options.InnerCycles, options.MaxSupervisionSteps) = (64, 1, 1, 1, 16);
        var data = ml.Data.LoadFromEnumerable(TinySudoku.Generate(64, 1).Select(r => new TrmPipeline.SudokuRow { Puzzle = r.Puzzle, Solution = r.Solution }).ToList());
        var codec = new Microsoft.ML.Trm.Data.SudokuCodec(4);
        var tokens = ml.Transforms.EncodePuzzle("PuzzleTokens", "Puzzle", codec).Append(ml.Transforms.EncodePuzzle("SolutionTokens", "Solution", codec)).Fit(data).Transform(data);
        using var trm = ml.Transforms.Trm(options).Fit(tokens);
        var puzzles = TinySudoku.Generate(256, 2).Select(r => codec.Encode(r.Puzzle)).ToList();
        trm.Predict(puzzles.Take(64).ToList());   // warm-up
        var times = new List<double>();
        for (int i = 0; i < 5; i++)
        {
            var clock = Stopwatch.StartNew();
            var solutions = trm.Predict(puzzles);
            times.Add(clock.Elapsed.TotalMilliseconds);
            Assert.That(solutions, Has.Count.EqualTo(256));
        }
        times.Sort();
        TestContext.Out.WriteLine($"predict 256 puzzles: median {times[2]:F1} ms (min {times[0]:F1}, max {times[^1]:F1}) over 5 runs: {string.Join(' ', times.Select(t => t.ToString("F0")))}");
    }
}
