using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Trm.Benchmarks;

/// <summary>
/// The practical ceiling of a model on this machine: the best-of-N rate of each of its own matrix-product shapes,
/// taken over repeated trials before and after the workload, combined FLOP-weighted:
/// ceiling = Σ FLOPs / Σ (FLOPs_i / best rate_i), i.e. the rate at which the step's products alone would run if
/// each ran as fast as it ever did here. <c>utilisation = achieved rate / ceiling = ideal time / measured time</c>,
/// which cannot exceed 1 unless the workload ran its products faster than their best isolated trial (then it is
/// flagged as a measurement error).
/// </summary>
internal sealed class Yardstick(Device device, ScalarType dtype, int trials, double trialSeconds)
{
    private readonly Dictionary<(long, long, long, long), double> _best = new();

    /// <summary>Best-of-<c>trials</c> GFLOP/s of one shape (also remembered: a later call keeps the better).</summary>
    public double Measure(MatmulShape shape)
    {
        using var scope = NewDisposeScope();
        var a = (shape.Batch == 1 ? randn(shape.M, shape.K, device: device) : randn(shape.Batch, shape.M, shape.K, device: device)).to(dtype);
        var b = (shape.Batch == 1 ? randn(shape.K, shape.N, device: device) : randn(shape.Batch, shape.K, shape.N, device: device)).to(dtype);
        double flops = 2.0 * shape.Batch * shape.M * shape.K * shape.N;
        for (int i = 0; i < 2; i++) a.matmul(b).Dispose();
        Synchronize(device);
        var clock = Stopwatch.StartNew();
        a.matmul(b).Dispose();
        Synchronize(device);
        int reps = Math.Max(1, (int)Math.Ceiling(trialSeconds / Math.Max(1e-6, clock.Elapsed.TotalSeconds)));
        double best = 0;
        for (int t = 0; t < trials; t++)
        {
            clock.Restart();
            for (int i = 0; i < reps; i++) a.matmul(b).Dispose();
            Synchronize(device);
            best = Math.Max(best, flops * reps / clock.Elapsed.TotalSeconds / 1e9);
        }
        _best[shape.Dims] = Math.Max(best, _best.GetValueOrDefault(shape.Dims));
        return best;
    }

    /// <summary>Measures every distinct shape of a model; returns its FLOP-weighted ceiling from this pass alone.</summary>
    public double MeasureModel(IReadOnlyList<MatmulShape> products)
    {
        var rates = products.Select(p => p.Dims).Distinct().ToDictionary(d => d, d => Measure(products.First(p => p.Dims == d)));
        return Combine(products, d => rates[d]);
    }

    /// <summary>The FLOP-weighted ceiling from the best rates seen so far (over all passes).</summary>
    public double Ceiling(IReadOnlyList<MatmulShape> products) => Combine(products, d => _best[d]);

    /// <summary>Seconds the products would take at their best rates (the ideal time of the step's matrix products).</summary>
    public double IdealSeconds(IReadOnlyList<MatmulShape> products) => products.Sum(p => p.Flops / (_best[p.Dims] * 1e9));

    /// <summary>Best GFLOP/s of each distinct shape so far, for the report.</summary>
    public IEnumerable<(MatmulShape Shape, double Gflops, double FlopShare)> PerShape(IReadOnlyList<MatmulShape> products)
    {
        double total = products.Sum(p => p.Flops);
        return products.GroupBy(p => p.Dims).Select(g => (g.First(), _best[g.Key], g.Sum(p => p.Flops) / total));
    }

    private static double Combine(IReadOnlyList<MatmulShape> products, Func<(long, long, long, long), double> rate)
        => products.Sum(p => p.Flops) / products.Sum(p => p.Flops / rate(p.Dims));

    public static void Synchronize(Device device) { if (device.type == DeviceType.CUDA) cuda.synchronize(device); }
}
