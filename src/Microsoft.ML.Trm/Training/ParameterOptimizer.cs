using static TorchSharp.torch;

namespace Microsoft.ML.Trm.Training;

/// <summary>
/// Adam-family optimisers with decoupled weight decay, written as in-place tensor updates so that their state
/// (step, first and second moments) is plain tensors we can checkpoint.
/// </summary>
/// <remarks>
/// AdamATan2 (upstream, package adam-atan2): θ ← θ·(1 − lr·wd); m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²;
/// θ ← θ − lr·atan2(m/(1−β1^t), sqrt(v/(1−β2^t))). No epsilon, no extra scale.
/// AdamW (the paper): the same with θ ← θ − lr·m̂/(sqrt(v̂) + ε).
/// </remarks>
internal sealed class ParameterOptimizer : IDisposable
{
    private readonly IReadOnlyList<(string Name, Tensor Parameter)> _parameters;
    private readonly Tensor[] _m, _v;
    private readonly TrmOptimizer _kind;
    private readonly double _beta1, _beta2, _weightDecay, _epsilon;

    public ParameterOptimizer(IEnumerable<(string Name, Tensor Parameter)> parameters, TrmOptimizer kind, double beta1, double beta2, double weightDecay, double epsilon)
    {
        _parameters = parameters.ToList();
        (_kind, _beta1, _beta2, _weightDecay, _epsilon) = (kind, beta1, beta2, weightDecay, epsilon);
        _m = _parameters.Select(p => zeros_like(p.Parameter).DetachFromDisposeScope()).ToArray();
        _v = _parameters.Select(p => zeros_like(p.Parameter).DetachFromDisposeScope()).ToArray();
    }

    /// <summary>Steps taken (t in the bias corrections).</summary>
    public long StepCount { get; private set; }

    public void Step(double lr)
    {
        StepCount++;
        double bc1 = 1 - Math.Pow(_beta1, StepCount), bc2 = 1 - Math.Pow(_beta2, StepCount);
        using var _ = no_grad();
        for (int i = 0; i < _parameters.Count; i++)
        {
            var p = _parameters[i].Parameter;
            if (p.grad is not { } g) continue;
            using var scope = NewDisposeScope();
            p.mul_(1 - lr * _weightDecay);
            _m[i].mul_(_beta1).add_(g, alpha: 1 - _beta1);
            _v[i].mul_(_beta2).addcmul_(g, g, value: 1 - _beta2);
            var mHat = _m[i] / bc1;
            var vHatSqrt = (_v[i] / bc2).sqrt_();
            if (_kind == TrmOptimizer.AdamAtan2) p.add_(atan2(mHat, vHatSqrt), alpha: -lr);
            else p.add_(mHat / vHatSqrt.add_(_epsilon), alpha: -lr);
        }
    }

    public void ZeroGrad()
    {
        foreach (var (_, p) in _parameters)
            if (p.grad is { } g) { using var _ = no_grad(); g.zero_(); }
    }

    /// <summary>Optimiser state for checkpoints: name → (m, v), and the step count.</summary>
    public IEnumerable<(string Name, Tensor M, Tensor V)> State() => _parameters.Select((p, i) => (p.Name, _m[i], _v[i]));

    public void LoadState(long stepCount, IReadOnlyDictionary<string, (Tensor M, Tensor V)> state)
    {
        using var _ = no_grad();
        StepCount = stepCount;
        for (int i = 0; i < _parameters.Count; i++)
        {
            if (!state.TryGetValue(_parameters[i].Name, out var s))
                throw new InvalidDataException($"Optimizer state has no entry for parameter '{_parameters[i].Name}'.");
            _m[i].copy_(s.M); _v[i].copy_(s.V);
        }
    }

    public void Dispose()
    {
        foreach (var t in _m.Concat(_v)) t.Dispose();
    }
}
