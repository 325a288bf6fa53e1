using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Trm.Model;

/// <summary>Weight initialisation as the reference (models/common.py trunc_normal_init_).</summary>
internal static class Init
{
    /// <summary>
    /// JAX-style truncated normal: the underlying normal is cut at ±2 and rescaled so that the REALISED standard
    /// deviation equals <paramref name="std"/> (the cut lands at ≈ ±2.27·std). TorchSharp 0.107's
    /// trunc_normal_ is broken (fills the tensor with std), so this samples by the inverse CDF.
    /// </summary>
    public static Tensor TruncatedNormal_(Tensor t, double std, Generator? generator, double lower = -2, double upper = 2)
    {
        using var _ = no_grad();
        if (std == 0) return t.zero_();
        const double sqrt2 = 1.4142135623730951;
        double Cdf(double x) => (1 + Erf(x / sqrt2)) / 2;
        double Pdf(double x) => Math.Exp(-0.5 * x * x) / Math.Sqrt(2 * Math.PI);
        double z = Cdf(upper) - Cdf(lower);
        double var = 1 - (upper * Pdf(upper) - lower * Pdf(lower)) / z - Math.Pow((Pdf(upper) - Pdf(lower)) / z, 2);
        double compStd = std / Math.Sqrt(var);
        t.uniform_(2 * Cdf(lower) - 1, 2 * Cdf(upper) - 1, generator);
        t.erfinv_();
        t.mul_(sqrt2 * compStd);
        t.clamp_(lower * compStd, upper * compStd);
        return t;
    }

    /// <summary>Abramowitz–Stegun 7.1.26 (|error| &lt; 1.5e-7), enough for the truncation constants.</summary>
    private static double Erf(double x)
    {
        double t = 1 / (1 + 0.3275911 * Math.Abs(x));
        double y = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.Exp(-x * x);
        return x >= 0 ? y : -y;
    }
}
