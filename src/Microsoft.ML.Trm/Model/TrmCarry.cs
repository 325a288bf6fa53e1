using static TorchSharp.torch;

namespace Microsoft.ML.Trm.Model;

/// <summary>
/// What survives from one supervision step to the next (upstream TinyRecursiveReasoningModel_ACTV1Carry):
/// the detached answer y (z_H) and latent z (z_L), each row's step count and halted flag, and the example the row
/// is working on. Rows flagged halted are reset and take a new example at the next step.
/// </summary>
internal sealed class TrmCarry : IDisposable
{
    public required Tensor Answer { get; init; }     // y = z_H: [batch, prefix+seq, hidden]
    public required Tensor Latent { get; init; }     // z = z_L: [batch, prefix+seq, hidden]
    public required Tensor Steps { get; init; }      // int64 [batch]
    public required Tensor Halted { get; init; }     // bool [batch]
    public required Tensor Inputs { get; init; }     // int64 [batch, seq]
    public required Tensor Labels { get; init; }     // int64 [batch, seq], −100 = ignore
    public required Tensor PuzzleIds { get; init; }  // int64 [batch]

    public long BatchSize => Steps.shape[0];

    /// <summary>Keeps the carry's tensors alive past the step's dispose scope.</summary>
    public TrmCarry DetachFromScope()
    {
        foreach (var t in All()) t.DetachFromDisposeScope();
        return this;
    }

    /// <summary>Moves the carry's tensors to the enclosing dispose scope.</summary>
    public TrmCarry MoveToOuterScope()
    {
        foreach (var t in All()) t.MoveToOuterDisposeScope();
        return this;
    }

    private IEnumerable<Tensor> All() => new[] { Answer, Latent, Steps, Halted, Inputs, Labels, PuzzleIds };

    public void Dispose()
    {
        foreach (var t in All()) t.Dispose();
    }
}
