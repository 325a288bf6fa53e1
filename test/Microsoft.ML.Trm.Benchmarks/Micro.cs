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

    /// <summary><see cref="BestOf"/> of <paramref name="forward"/> without gradient, or with its backward (of the sum) when <paramref name="grad"/>.</summary>
    private static double BestOfPass(Func<Tensor> forward, bool grad, int reps)
        => BestOf(() => { if (grad) forward().sum().backward(); else using (no_grad()) forward(); }, reps);

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
        total += Time("rope q and k (one call)", () => Model.RotaryEmbedding.Apply(qkv[.., .., ..(2 * heads)], rope.Cos, rope.SignedSin));
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
                double best = BestOfPass(() => f(q, k, v), grad, reps);
                Console.WriteLine($"{name,-10} {(grad ? "forward+backward" : "forward"),-18} {best,8:F3} ms");
            }
    }

    /// <summary>One linear layer's product at the paper presets' shapes three ways: F.linear(x, W[N×K]) (weight as
    /// stored), x·Wᵀ through a transposed view, and x·W' with W' a contiguous [K×N] copy (the yardstick's layout).</summary>
    public static void LinearLayouts(long m, int reps)
    {
        using var _ = no_grad();
        foreach (var (k, n) in new (long, long)[] { (512, 3072), (512, 1536), (1536, 512), (512, 512) })
        {
            var x = randn(m, k); var w = randn(n, k); var wt = w.t().contiguous();
            double gflop = 2.0 * m * k * n / 1e9;
            foreach (var (name, f) in new (string, Func<Tensor>)[] {
                ("linear(x, W)", () => nn.functional.linear(x, w)), ("x.mm(W.t())", () => x.mm(w.t())), ("x.mm(W' contiguous [K×N])", () => x.mm(wt)) })
            {
                double best = BestOf(() => f(), reps);
                Console.WriteLine($"[{m}×{k}]·[{k}×{n}] {name,-28} {best,8:F2} ms {gflop / best * 1e3,7:F1} GFLOP/s");
            }
        }
    }

    /// <summary>Rotary positions on q and k of the paper presets' attention (one call on [b, s, 2·heads, hd]) three
    /// ways, forward and forward+backward.</summary>
    public static void Rope(long b, long s, long heads, long hd, int reps)
    {
        var tables = new Model.RotaryEmbedding((int)hd, (int)s, 10000).Tables(CPU);
        int half = (int)hd / 2;
        var upstreamSin = Model.RotaryEmbedding.UpstreamSin(tables.SignedSin);
        var cos = tables.Cos.unsqueeze(-2); var sin = upstreamSin.unsqueeze(-2); var signedSin = tables.SignedSin.unsqueeze(-2);
        var cosHalf = tables.Cos[.., ..half].unsqueeze(-2); var sinHalf = upstreamSin[.., ..half].unsqueeze(-2);
        Tensor Current(Tensor h) => h * cos + cat(new[] { -h[.., .., .., half..], h[.., .., .., ..half] }, -1) * sin;
        Tensor Roll(Tensor h) => addcmul(h * cos, h.roll(half, -1), signedSin, 1);
        Tensor Halves(Tensor h)
        {
            var h1 = h[.., .., .., ..half]; var h2 = h[.., .., .., half..];
            return cat(new[] { h1 * cosHalf - h2 * sinHalf, h2 * cosHalf + h1 * sinHalf }, -1);
        }
        var qkv = randn(b, s, 3 * heads, hd);
        var probe = qkv[.., .., ..(int)(2 * heads)];
        foreach (var (name, f) in new (string, Func<Tensor, Tensor>)[] { ("roll", Roll), ("halves", Halves) })
            Console.WriteLine($"rope {name} max |diff| vs current: {(f(probe) - Current(probe)).abs().max().item<float>():E2}");
        for (int round = 0; round < 2; round++)
            foreach (var grad in new[] { false, true })
                foreach (var (name, f) in new (string, Func<Tensor, Tensor>)[] { ("current", Current), ("roll+addcmul", Roll), ("halves", Halves) })
                {
                    var x = randn(b, s, 3 * heads, hd).requires_grad_(grad);
                    double best = BestOfPass(() => f(x[.., .., ..(int)(2 * heads)]), grad, reps);
                    Console.WriteLine($"rope {name,-14} {(grad ? "fwd+bwd" : "fwd"),-8} {best,8:F2} ms");
                }
    }

    /// <summary>Residual add + RMSNorm over the last axis at [b, s, d] two ways (mean of squares vs one vector-norm
    /// reduction), forward and forward+backward.</summary>
    public static void Norm(long b, long s, long d, int reps)
    {
        foreach (long dim in new long[] { -1, 0 }) Norm(dim == 0 ? new[] { s, b, d } : new[] { b, s, d }, dim, reps);
    }

    private static void Norm(long[] shape, long dim, int reps)
    {
        Console.WriteLine($"residual + RMSNorm over dim {dim} of [{string.Join(", ", shape)}]");
        long n = shape[dim < 0 ? shape.Length + dim : dim];
        Tensor Current(Tensor a, Tensor r)
        {
            var h = a + r;
            return h * rsqrt(h.square().mean(new long[] { dim }, keepdim: true) + 1e-5);
        }
        Tensor VectorNorm(Tensor a, Tensor r)
        {
            var h = a + r;
            var norm = linalg.vector_norm(h, 2, new long[] { dim }, keepdim: true);
            return h * (norm.square() / n + 1e-5).rsqrt();
        }
        long b = shape[0], s = shape[1], d = shape[2];
        var a0 = randn(b, s, d); var r0 = randn(b, s, d);
        Console.WriteLine($"norm vector-norm max |diff| vs current: {(VectorNorm(a0, r0) - Current(a0, r0)).abs().max().item<float>():E2}");
        for (int round = 0; round < 2; round++)
            foreach (var grad in new[] { false, true })
                foreach (var (name, f) in new (string, Func<Tensor, Tensor, Tensor>)[] { ("current", Current), ("vector-norm", VectorNorm) })
                {
                    var a = randn(b, s, d).requires_grad_(grad); var r = randn(b, s, d).requires_grad_(grad);
                    double best = BestOfPass(() => f(a, r), grad, reps);
                    Console.WriteLine($"norm {name,-14} {(grad ? "fwd+bwd" : "fwd"),-8} {best,8:F2} ms");
                }
    }

    /// <summary>The channel SwiGLU at [b, s, d]: gate/up as one product then chunk (38 MB output at the paper presets'
    /// batch 32) vs two products over the weight's halves (19 MB each), forward and forward+backward.</summary>
    public static void GateUp(long b, long s, long d, long inner, int reps)
    {
        var x = randn(b, s, d); var wgu = randn(2 * inner, d).mul_(0.02).requires_grad_(); var wdn = randn(d, inner).mul_(0.02).requires_grad_();
        Tensor OneProduct(Tensor h) { var p = nn.functional.linear(h, wgu).chunk(2, -1); return nn.functional.linear(nn.functional.silu(p[0]) * p[1], wdn); }
        Tensor TwoProducts(Tensor h) => nn.functional.linear(nn.functional.silu(nn.functional.linear(h, wgu[..(int)inner])) * nn.functional.linear(h, wgu[(int)inner..]), wdn);
        for (int round = 0; round < 2; round++)
            foreach (var grad in new[] { false, true })
                foreach (var (name, f) in new (string, Func<Tensor, Tensor>)[] { ("one product", OneProduct), ("two products", TwoProducts) })
                {
                    double best = BestOfPass(() => f(x), grad, reps);
                    Console.WriteLine($"swiglu {name,-14} {(grad ? "fwd+bwd" : "fwd"),-8} {best,8:F2} ms");
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
                double best = BestOfPass(() => positions.ForwardAlongAxis0(sequenceMajor), grad, reps);
                Console.WriteLine($"block {(mb > 1024 ? "none" : mb + " MB"),-8} mlp-t {(grad ? "fwd+bwd" : "fwd"),-8} {best,8:F2} ms");
            }
        }
        Model.SwiGlu.CpuBlockBytes = saved;
    }
}
