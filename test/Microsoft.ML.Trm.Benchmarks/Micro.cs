using System.Diagnostics;
using static TorchSharp.torch;

namespace Microsoft.ML.Trm.Benchmarks;

/// <summary>Micro-measurements of single operations at a model's shapes (diagnostic, --micro).</summary>
internal static class Micro
{
    /// <summary>Milliseconds per call of <paramref name="op"/>: best of 5 trials of <paramref name="reps"/> calls after 2
    /// warm-up calls, each call in its own dispose scope.</summary>
    private static double BestOf(Action op, int reps)
    {
        void Once() { using var scope = NewDisposeScope(); op(); }
        Once(); Once();
        double best = double.MaxValue;
        for (int t = 0; t < 5; t++)
        {
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < reps; i++) Once();
            best = Math.Min(best, clock.Elapsed.TotalMilliseconds / reps);
        }
        return best;
    }

    /// <summary>Times <paramref name="op"/> with <see cref="BestOf"/> and prints one line.</summary>
    private static double Time(string name, Func<Tensor> op, int reps)
    {
        double best = BestOf(() => op(), reps);
        Console.WriteLine($"{name,-60} {best,8:F3} ms");
        return best;
    }

    public static void Run(long b, long s, long d, long innerS, int reps)
    {
        double Time(string name, Func<Tensor> op) => Micro.Time(name, op, reps);
        using var _ = no_grad();
        var x = randn(b, s, d); var w = randn(2 * innerS, s); var wd = randn(s, innerS);
        var xt = x.permute(1, 0, 2).contiguous();   // [S, B, D]
        var x2 = xt.view(s, b * d);
        Time("matmul(W[2I,S], x[B,S,D])", () => matmul(w, x));
        Time("x.transpose(1,2).reshape(B*D,S) @ W^T", () => x.transpose(1, 2).reshape(b * d, s).matmul(w.t()));
        Time("W @ X[S, B*D]  (layout [S,B,D])", () => w.matmul(x2));
        var g = randn(b, 2 * innerS, d);
        Time("silu(g[:, :I]) * g[:, I:]  [B,2I,D]", () => { var p = g.chunk(2, 1); return nn.functional.silu(p[0]) * p[1]; });
        var g2 = randn(2 * innerS, b * d);
        Time("silu(g[:I]) * g[I:]  [2I, B*D]", () => { var p = g2.chunk(2, 0); return nn.functional.silu(p[0]) * p[1]; });
        var h = randn(b, innerS, d);
        Time("matmul(Wd[S,I], h[B,I,D])", () => matmul(wd, h));
        var h2 = randn(innerS, b * d);
        Time("Wd @ H[I, B*D]", () => wd.matmul(h2));
        Time("rmsnorm over dim 1 of [B,S,D]", () => Model.RmsNorm.Apply(x, 1e-5, 1));
        Time("rmsnorm over dim 0 of [S,B,D]", () => Model.RmsNorm.Apply(xt, 1e-5, 0));
        Time("rmsnorm over dim -1 of [B,S,D]", () => Model.RmsNorm.Apply(x, 1e-5));
        Time("x + x", () => x + x);
        Time("x.square().mean(-1) only", () => x.square().mean(new long[] { -1 }, keepdim: true));
        Time("rsqrt-free: x * (x.pow(2).mean+eps).rsqrt()", () => x * (x.pow(2).mean(new long[] { -1 }, keepdim: true) + 1e-5).rsqrt());
    }

    /// <summary>Each piece of one attention block's forward at [b, s, d] (no grad), to see where non-product time goes.</summary>
    public static void AttentionBlock(long b, long s, long d, long inner, int heads, int reps)
    {
        double Time(string name, Func<Tensor> op) => Micro.Time(name, op, reps);
        using var _ = no_grad();
        long hd = d / heads;
        var h = randn(b, s, d); var wqkv = randn(3 * d, d); var wo = randn(d, d);
        var wgu = randn(2 * inner, d); var wdn = randn(d, inner);
        var rope = new Model.RotaryEmbedding((int)hd, (int)s, 10000).Tables(CPU);
        var qkv = nn.functional.linear(h, wqkv).view(b, s, 3 * heads, hd);
        var q = qkv[.., .., ..heads]; var k = qkv[.., .., heads..(2 * heads)]; var v = qkv[.., .., (2 * heads)..];
        var attn = nn.functional.scaled_dot_product_attention(q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2));
        var gu = nn.functional.linear(h, wgu);
        var act = randn(b, s, inner);
        double total = 0;
        total += Time("qkv linear", () => nn.functional.linear(h, wqkv));
        total += Time("rope q and k", () => { Model.RotaryEmbedding.Apply(q, rope.Cos, rope.Sin); return Model.RotaryEmbedding.Apply(k, rope.Cos, rope.Sin); });
        Time("rope q and k in one call", () => Model.RotaryEmbedding.Apply(qkv[.., .., ..(2 * heads)], rope.Cos, rope.Sin));
        total += Time("sdpa", () => nn.functional.scaled_dot_product_attention(q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2)));
        total += Time("transpose+reshape+o linear", () => nn.functional.linear(attn.transpose(1, 2).reshape(b, s, d), wo));
        total += Time("residual add + rmsnorm", () => Model.RmsNorm.Apply(h + h, 1e-5));
        total += Time("gate/up linear", () => nn.functional.linear(h, wgu));
        total += Time("silu(gate) * up", () => { var p = gu.chunk(2, -1); return nn.functional.silu(p[0]) * p[1]; });
        total += Time("down linear", () => nn.functional.linear(act, wdn));
        total += Time("residual add + rmsnorm", () => Model.RmsNorm.Apply(h + h, 1e-5));
        Console.WriteLine($"{"sum",-60} {total,8:F3} ms");
    }

    /// <summary>Scaled dot-product attention at [b, heads, s, hd]: libtorch's fused op vs explicit products, forward and backward.</summary>
    public static void AttentionCore(long b, long s, long heads, long hd, int reps)
    {
        Tensor Explicit(Tensor q, Tensor k, Tensor v) => matmul(softmax(matmul(q, k.transpose(-2, -1)) * (1.0 / Math.Sqrt(hd)), -1), v);
        foreach (var grad in new[] { false, true })
            foreach (var (name, f) in new (string, Func<Tensor, Tensor, Tensor, Tensor>)[] {
                ("sdpa", (q, k, v) => nn.functional.scaled_dot_product_attention(q, k, v)), ("explicit", Explicit) })
            {
                var q = randn(b, heads, s, hd).requires_grad_(grad); var k = randn(b, heads, s, hd).requires_grad_(grad); var v = randn(b, heads, s, hd).requires_grad_(grad);
                double best = BestOf(() => { if (grad) f(q, k, v).sum().backward(); else using (no_grad()) f(q, k, v); }, reps);
                Console.WriteLine($"{name,-10} {(grad ? "forward+backward" : "forward"),-18} {best,8:F3} ms");
            }
    }

    /// <summary>MLP-T's position mixer of the paper presets at batch b and hidden d under different CPU block sizes (SwiGlu.CpuBlockBytes), forward and forward+backward.</summary>
    public static void SwiGluBlocks(long b, long d, int reps)
    {
        using var positions = new Model.SwiGlu(97, 4, null);
        var sequenceMajor = randn(97, b, d);
        long saved = Model.SwiGlu.CpuBlockBytes;
        foreach (long mb in new long[] { 2, 4, 8, 16, 32, 1 << 20 })
        {
            Model.SwiGlu.CpuBlockBytes = mb << 20;
            foreach (var grad in new[] { false, true })
            {
                double best = BestOf(() =>
                {
                    if (grad) positions.ForwardAlongAxis0(sequenceMajor).sum().backward();
                    else using (no_grad()) positions.ForwardAlongAxis0(sequenceMajor);
                }, reps);
                Console.WriteLine($"block {(mb > 1024 ? "none" : mb + " MB"),-8} mlp-t {(grad ? "fwd+bwd" : "fwd"),-8} {best,8:F2} ms");
            }
        }
        Model.SwiGlu.CpuBlockBytes = saved;
    }
}
