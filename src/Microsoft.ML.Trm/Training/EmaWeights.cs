using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Trm.Training;

/// <summary>
/// Exponential moving average of the parameters (upstream models/ema.py): shadow ← μ·shadow + (1−μ)·θ after every
/// step. Buffers (puzzle table, initial states) are not averaged. Evaluation and the saved model use the shadow.
/// </summary>
internal sealed class EmaWeights : IDisposable
{
    private readonly List<(string Name, Tensor Parameter, Tensor Shadow)> _entries;
    private readonly double _rate;
    private readonly Tensor? _flatParameters, _flatShadow;

    /// <param name="module">The trained module.</param>
    /// <param name="rate">μ.</param>
    /// <param name="flatParameters">The module's parameters as one contiguous buffer, in named_parameters order
    /// (<see cref="ParameterOptimizer.FlatParameters"/>); the shadow is then one buffer too and an update is two kernels.</param>
    public EmaWeights(nn.Module module, double rate, Tensor? flatParameters = null)
    {
        _rate = rate;
        using var _ = no_grad();
        if (flatParameters is null)
        {
            _entries = module.named_parameters()
                .Select(p => (p.name, (Tensor)p.parameter, p.parameter.detach().clone().DetachFromDisposeScope()))
                .ToList();
            return;
        }
        _flatParameters = flatParameters;
        _flatShadow = flatParameters.detach().clone().DetachFromDisposeScope();
        _entries = new List<(string, Tensor, Tensor)>();
        long offset = 0;
        foreach (var (name, p) in module.named_parameters())
        {
            _entries.Add((name, p, _flatShadow.narrow(0, offset, p.numel()).view(p.shape).DetachFromDisposeScope()));
            offset += p.numel();
        }
        if (offset != flatParameters.numel()) throw new ArgumentException("The flat buffer does not hold exactly the module's parameters.", nameof(flatParameters));
    }

    /// <summary>shadow ← μ·shadow + (1−μ)·θ; with <paramref name="applied"/> (0-dim bool, the optimiser's verdict)
    /// false, the shadow is left as it is (decided on the device, no copy to the host).</summary>
    public void Update(Tensor? applied = null)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        foreach (var (shadow, p) in Pairs())
        {
            if (applied is null) shadow.mul_(_rate).add_(p, alpha: 1 - _rate);
            else shadow.lerp_(where(applied, p, shadow), 1 - _rate);   // where, not a 0 weight: 0·NaN is NaN
        }
    }

    private IEnumerable<(Tensor Shadow, Tensor Parameter)> Pairs() =>
        _flatShadow is not null ? new[] { (_flatShadow, _flatParameters!) } : _entries.Select(e => (e.Shadow, e.Parameter));

    /// <summary>Copies the shadow weights into a module of the same architecture (parameters only).</summary>
    public void CopyTo(nn.Module target)
    {
        using var _ = no_grad();
        var targetParameters = target.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, _, shadow) in _entries) targetParameters[name].copy_(shadow);
    }

    public IEnumerable<(string Name, Tensor Shadow)> State() => _entries.Select(e => (e.Name, e.Shadow));

    public void LoadState(IReadOnlyDictionary<string, Tensor> shadows)
    {
        using var _ = no_grad();
        foreach (var (name, _, shadow) in _entries)
        {
            if (!shadows.TryGetValue(name, out var s)) throw new InvalidDataException($"EMA state has no entry for parameter '{name}'.");
            shadow.copy_(s);
        }
    }

    public void Dispose()
    {
        foreach (var e in _entries) e.Shadow.Dispose();
        _flatShadow?.Dispose();
    }
}
