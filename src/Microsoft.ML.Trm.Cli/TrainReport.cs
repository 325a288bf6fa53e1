using System.Globalization;
using Microsoft.ML.Trm.Data;

namespace Microsoft.ML.Trm.Cli;

public static partial class Cli
{
    /// <summary>The line before training: data, model and the step count of the library's own plan.</summary>
    private static string DescribeRun(MLContext ml, TrainRequest request, PuzzleCodec codec, TrmTrainingPlan plan, LoadedData? valid)
    {
        var o = request.Options;
        var device = TrmDevice.Resolve(ml.GpuDeviceId, ml.FallbackToCpu);
        string compute = TrmDevice.ForwardType(o.Precision, device, training: true) == TorchSharp.torch.ScalarType.BFloat16 ? "bfloat16" : "float32";
        return $"training on {plan.Rows:N0} puzzles ({codec.Id}, {plan.SequenceLength} tokens){(valid is null ? "" : $", validating on {valid.Examples.Count:N0}")}: " +
            $"hidden {o.HiddenSize}, layers {o.Layers}, T={o.OuterCycles} n={o.InnerCycles} N_sup={o.MaxSupervisionSteps}, batch {plan.BatchSize}, lr {OptionSetter.Format(o.LearningRate)}, " +
            $"{plan.Parameters:N0} parameters, {compute} on {device.type.ToString().ToLowerInvariant()}, {plan.TotalSteps:N0} steps" +
            (request.MaxMinutes is { } mm ? $" or {mm.ToString("0.##", CultureInfo.InvariantCulture)} min" : "") + ".";
    }

    /// <summary>
    /// The report piece: held-out metrics from the evaluation at the last training step (evaluated once; the saved zip is
    /// evaluated again only when training had nothing left to do, e.g. a resumed run that had already finished), the
    /// copy-the-givens baseline, and for the demo one held-out puzzle solved by the saved zip.
    /// </summary>
    private static void ReportHeldOut(MLContext ml, TrainRequest request, LoadedData? valid, TrmMetrics? final, Io io)
    {
        if (valid is null) return;
        ModelFile.Loaded? loaded = null;
        if (final is null)
        {
            loaded = ModelFile.Load(new MLContext(), request.Output);
            final = Evaluate(ml, loaded, valid, io).Metrics;
        }
        io.Line($"held-out ({valid.Examples.Count} puzzles): exact {Pct(final.ExactAccuracy)}, token {Pct(final.TokenAccuracy)}, halt {Pct(final.HaltAccuracy)}, mean steps {final.MeanSteps:F2}");
        if (request.Task != "arc")
        {
            var (exact, token) = CopyBaseline(valid);
            io.Line($"baseline (copy the givens, leave blanks): exact {Pct(exact)}, token {Pct(token)}");
        }
        if (!request.Demo) return;
        io.Line();
        io.Line("a held-out puzzle and the model's answer:");
        SolveAndPrint(ml, loaded ?? ModelFile.Load(new MLContext(), request.Output), valid.Examples[0].Puzzle, io);
    }

    /// <summary>Exact and token accuracy of answering with the puzzle itself (givens kept, blanks wrong).</summary>
    private static (double Exact, double Token) CopyBaseline(LoadedData d)
    {
        double exact = 0, token = 0;
        foreach (var e in d.Examples)
        {
            var x = d.Codec.Encode(e.Puzzle); var y = d.Codec.Encode(e.Solution);
            int right = 0, n = 0;
            for (int i = 0; i < y.Length; i++) { if (y[i] == PuzzleCodec.Pad) continue; n++; if (x[i] == y[i]) right++; }
            exact += right == n ? 1 : 0;
            token += (double)right / Math.Max(1, n);
        }
        int count = Math.Max(1, d.Examples.Count);
        return (exact / count, token / count);
    }
}
