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

    /// <summary>The carry's tensors by field name (for checkpoints).</summary>
    public IEnumerable<(string Name, Tensor Tensor)> Named() => new[]
    {
        ("answer", Answer), ("latent", Latent), ("steps", Steps), ("halted", Halted),
        ("inputs", Inputs), ("labels", Labels), ("puzzle_ids", PuzzleIds),
    };

    /// <summary>Rebuilds a carry from <see cref="Named"/> entries (copies them to <paramref name="device"/>).</summary>
    public static TrmCarry FromNamed(IReadOnlyDictionary<string, Tensor> t, Device device) => new TrmCarry
    {
        Answer = t["answer"].to(device).clone(), Latent = t["latent"].to(device).clone(), Steps = t["steps"].to(device).clone(),
        Halted = t["halted"].to(device).clone(), Inputs = t["inputs"].to(device).clone(), Labels = t["labels"].to(device).clone(),
        PuzzleIds = t["puzzle_ids"].to(device).clone(),
    }.DetachFromScope();

    private IEnumerable<Tensor> All() => new[] { Answer, Latent, Steps, Halted, Inputs, Labels, PuzzleIds };

    public void Dispose()
    {
        foreach (var t in All()) t.Dispose();
    }
}
