using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Microsoft.ML.Trm.Model;

/// <summary>
/// The single shared network f of TRM (upstream L_level): adds its input injection to the state, then runs the
/// blocks. The same module computes both z ← f(z + y + x) and y ← f(y + z).
/// </summary>
internal sealed class ReasoningModule : nn.Module<Tensor, Tensor, Tensor>
{
    [ComponentName(Name = "layers")] private readonly ModuleList<TrmBlock> _layers;

    public ReasoningModule(TrmArchitecture arch, Generator? generator) : base(nameof(ReasoningModule))
    {
        _layers = new ModuleList<TrmBlock>(Enumerable.Range(0, arch.Layers).Select(_ => new TrmBlock(arch, generator)).ToArray());
        RegisterComponents();
    }

    /// <summary>Counts calls and how many ran with gradient recording on (for tests of the recursion).</summary>
    internal Action<bool>? OnCall { get; set; }

    internal IEnumerable<TrmBlock> Blocks => _layers;

    public override Tensor forward(Tensor state, Tensor injection)
    {
        OnCall?.Invoke(is_grad_enabled());
        // Every intermediate of the call is released when the call returns (autograd keeps what backward needs);
        // without this scope all temporaries of the T·(n+1) calls of a step would live until the step ends
        // (14.6 GB peak for sudoku-mlp at batch 32).
        using var scope = NewDisposeScope();
        var h = state + injection;
        foreach (var layer in _layers) h = layer.forward(h);
        return h.MoveToOuterDisposeScope();
    }
}
