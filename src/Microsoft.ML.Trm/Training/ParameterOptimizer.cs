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
/// <para>
/// Flat buffers (the default when all parameters share a dtype and device): the parameters are re-pointed
/// (<c>set_</c>) at slices of one contiguous buffer, their gradients are slices of one gradient buffer that backward
/// accumulates into in place, and m and v are single buffers; a step is then ~8 kernels over one buffer instead of
/// ~8 per parameter tensor, and <see cref="ZeroGrad"/> is one fill. The arithmetic is elementwise and identical
/// to the per-tensor form (<c>flat: false</c>), which tests compare. With flat buffers every parameter is updated
/// every step (a parameter outside the graph has a zero gradient and still decays), where the per-tensor form skips
/// parameters without a gradient; every TRM parameter is in the graph.
/// </para>
/// </remarks>
internal sealed class ParameterOptimizer : IDisposable
{
    private readonly IReadOnlyList<(string Name, Tensor Parameter)> _parameters;
    private readonly Tensor[] _m, _v;
    private readonly Tensor? _flatParameters, _flatGrad, _flatM, _flatV;
    private readonly TrmOptimizer _kind;
    private readonly double _beta1, _beta2, _weightDecay, _epsilon;

    public ParameterOptimizer(IEnumerable<(string Name, Tensor Parameter)> parameters, TrmOptimizer kind, double beta1, double beta2, double weightDecay, double epsilon, bool flat = true)
    {
        _parameters = parameters.ToList();
        (_kind, _beta1, _beta2, _weightDecay, _epsilon) = (kind, beta1, beta2, weightDecay, epsilon);
        flat &= _parameters.Count > 0
            && _parameters.All(p => p.Parameter.dtype == _parameters[0].Parameter.dtype
                && p.Parameter.device_type == _parameters[0].Parameter.device_type && p.Parameter.device_index == _parameters[0].Parameter.device_index);
        if (!flat)
        {
            _m = _parameters.Select(p => zeros_like(p.Parameter).DetachFromDisposeScope()).ToArray();
            _v = _parameters.Select(p => zeros_like(p.Parameter).DetachFromDisposeScope()).ToArray();
            return;
        }
        var first = _parameters[0].Parameter;
        long total = _parameters.Sum(p => p.Parameter.numel());
        _flatParameters = empty(total, first.dtype, first.device).DetachFromDisposeScope();
        _flatGrad = zeros(total, first.dtype, first.device).DetachFromDisposeScope();
        _flatM = zeros(total, first.dtype, first.device).DetachFromDisposeScope();
        _flatV = zeros(total, first.dtype, first.device).DetachFromDisposeScope();
        _m = new Tensor[_parameters.Count];
        _v = new Tensor[_parameters.Count];
        using var _ = no_grad();
        long offset = 0;
        for (int i = 0; i < _parameters.Count; i++)
        {
            var p = _parameters[i].Parameter;
            long n = p.numel();
            Tensor Slice(Tensor buffer) => buffer.narrow(0, offset, n).view(p.shape).DetachFromDisposeScope();
            var slot = Slice(_flatParameters);
            slot.copy_(p);
            // set_ returns a wrapper of the parameter itself: never dispose or finalize it (that would free the parameter).
            GC.SuppressFinalize(p.set_(slot));
            slot.Dispose();
            var grad = Slice(_flatGrad);
            if (p.grad is { } existing) grad.copy_(existing);   // a gradient already accumulated is kept
            p.grad = grad;
            _m[i] = Slice(_flatM);
            _v[i] = Slice(_flatV);
            offset += n;
        }
    }

    /// <summary>All parameters as one contiguous buffer (their storage), or null without flat buffers.</summary>
    internal Tensor? FlatParameters => _flatParameters;

    /// <summary>Steps taken (t in the bias corrections).</summary>
    public long StepCount { get; private set; }

    /// <summary>One optimiser step with learning rate <paramref name="lr"/>.</summary>
    /// <param name="lr">The learning rate.</param>
    /// <param name="lossIsFinite">A 0-dim bool device tensor, or null. When given, the step is applied only if it is
    /// true and every gradient is finite; otherwise parameters and moments keep their values. The decision is made on
    /// the device (masked arithmetic, no copy to the host), so the step does not wait for the loss.</param>
    /// <returns>A 0-dim bool tensor: whether the update was applied (all true without <paramref name="lossIsFinite"/>).
    /// Owned by the caller's dispose scope.</returns>
    public Tensor Step(double lr, Tensor? lossIsFinite = null)
    {
        StepCount++;
        double bc1 = 1 - Math.Pow(_beta1, StepCount), bc2 = 1 - Math.Pow(_beta2, StepCount);
        using var _ = no_grad();
        var grads = _flatGrad is not null ? new[] { _flatGrad } : _parameters.Select(p => p.Parameter.grad).OfType<Tensor>().ToArray();
        Tensor? mask = null;
        if (lossIsFinite is not null)
        {
            mask = lossIsFinite.clone();
            foreach (var g in grads) mask.logical_and_(g.sum().isfinite());
        }
        if (_flatParameters is not null)
        {
            using var scope = NewDisposeScope();
            Update(_flatParameters, _flatGrad!, _flatM!, _flatV!, lr, bc1, bc2, mask);
        }
        else
        {
            for (int i = 0; i < _parameters.Count; i++)
            {
                var p = _parameters[i].Parameter;
                if (p.grad is not { } g) continue;
                using var scope = NewDisposeScope();
                Update(p, g, _m[i], _v[i], lr, bc1, bc2, mask);
            }
        }
        return mask ?? tensor(true, device: grads.Length > 0 ? grads[0].device : CPU);
    }

    /// <summary>
    /// The update of one buffer. With a mask (<paramref name="apply"/>, 0-dim bool), the same arithmetic with every
    /// change scaled by it: a masked-off step zeroes the gradient, leaves m and v (decay factor 1) and θ unchanged.
    /// </summary>
    private void Update(Tensor p, Tensor g, Tensor m, Tensor v, double lr, double bc1, double bc2, Tensor? apply)
    {
        if (apply is null)
        {
            p.mul_(1 - lr * _weightDecay);
            m.mul_(_beta1).add_(g, alpha: 1 - _beta1);
            v.mul_(_beta2).addcmul_(g, g, value: 1 - _beta2);
        }
        else
        {
            var k = apply.to(p.dtype);                                   // 1 or 0
            g.masked_fill_(apply.logical_not(), 0);
            p.mul_(k * (-lr * _weightDecay) + 1);
            m.mul_(k * (_beta1 - 1) + 1).add_(g, alpha: 1 - _beta1);
            v.mul_(k * (_beta2 - 1) + 1).addcmul_(g, g, value: 1 - _beta2);
        }
        var mHat = m / bc1;
        var vHatSqrt = (v / bc2).sqrt_();
        var direction = _kind == TrmOptimizer.AdamAtan2 ? mHat.atan2_(vHatSqrt) : mHat.div_(vHatSqrt.add_(_epsilon));
        if (apply is null) p.add_(direction, alpha: -lr);
        else p.addcmul_(direction, apply.to(p.dtype), value: -lr);   // × 1 or 0
    }

    public void ZeroGrad()
    {
        using var _ = no_grad();
        if (_flatGrad is not null) { _flatGrad.zero_(); return; }
        foreach (var (_, p) in _parameters)
            if (p.grad is { } g) g.zero_();
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
        _flatGrad?.Dispose(); _flatM?.Dispose(); _flatV?.Dispose();
        // _flatParameters is the parameters' storage: the handle goes, the storage lives as long as the parameters.
        _flatParameters?.Dispose();
    }
}
