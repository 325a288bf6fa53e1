using static TorchSharp.torch;

namespace Microsoft.ML.Trm.Model;

/// <summary>
/// One supervision step with the carry and halting (upstream trm.py TinyRecursiveReasoningModel_ACTV1.forward):
/// rows that halted last step are reset to (y₀, z₀), step 0 and the new batch's example; then one deep recursion;
/// then the halting decision. In training a row halts at N_sup or when its halt logit is positive, unless
/// exploration (probability p, re-drawn every step) set a minimum in {2..N_sup} it has not reached. In evaluation
/// rows halt only at N_sup, so every row runs all steps.
/// </summary>
internal static class TrmSupervisionStep
{
    /// <summary>A carry whose rows are all halted, so the first step loads the first batch.</summary>
    public static TrmCarry EmptyCarry(TrmArchitecture arch, long batch, Device device) => new()
    {
        Answer = zeros(new[] { batch, arch.TotalLength, (long)arch.HiddenSize }, device: device),
        Latent = zeros(new[] { batch, arch.TotalLength, (long)arch.HiddenSize }, device: device),
        Steps = zeros(batch, ScalarType.Int64, device: device),
        Halted = ones(batch, ScalarType.Bool, device: device),
        Inputs = zeros(new[] { batch, (long)arch.SequenceLength }, ScalarType.Int64, device: device),
        Labels = full(new[] { batch, (long)arch.SequenceLength }, -100L, ScalarType.Int64, device: device),
        PuzzleIds = zeros(batch, ScalarType.Int64, device: device),
    };

    public sealed record Output(TrmCarry Carry, Tensor Logits, Tensor HaltLogits, Tensor ContinueLogits);

    /// <summary>
    /// The label-free evaluation path, split from <see cref="Run"/>'s carry reset: a fresh carry is all halted, so at
    /// step 1 every row is reset to (y₀, z₀) and takes the batch; in evaluation no row halts before N_sup, so between
    /// steps only (y, z) need carrying: no step counts, halted flags, inputs or labels. This is that reset.
    /// </summary>
    public static (Tensor Answer, Tensor Latent) FreshState(TrmNetwork network, long batch, Device device)
    {
        var (answer, latent) = network.InitialState(batch, device);
        return (answer.contiguous(), latent.contiguous());
    }

    public sealed record EvaluationOutput(Tensor Answer, Tensor Latent, Tensor Logits, Tensor HaltLogits);

    /// <summary>One evaluation step from (y, z) of <see cref="FreshState"/> or the previous step; y and z come back detached.</summary>
    public static EvaluationOutput Evaluate(TrmNetwork network, Tensor answer, Tensor latent, Tensor inputs, Tensor puzzleIds)
    {
        var (y, z, logits, haltLogits, _) = network.DeepRecursion(answer, latent, inputs, puzzleIds);
        return new EvaluationOutput(y.detach(), z.detach(), logits, haltLogits);
    }

    /// <param name="network">The network (in train or eval mode).</param>
    /// <param name="carry">The previous carry; not modified.</param>
    /// <param name="inputs">New batch inputs [batch, seq] int64, taken by halted rows.</param>
    /// <param name="labels">New batch labels [batch, seq] int64 (−100 = ignore).</param>
    /// <param name="puzzleIds">New batch identifiers [batch] int64.</param>
    /// <param name="training">Training halting rules (halt logit, exploration) when true; N_sup only when false.</param>
    /// <param name="explorationDraws">Uniform draws [batch, 2] for exploration, already on the device (null when not training).</param>
    public static Output Run(TrmNetwork network, TrmCarry carry, Tensor inputs, Tensor labels, Tensor puzzleIds, bool training, Tensor? explorationDraws)
    {
        var arch = network.Architecture;
        var reset = carry.Halted;
        var (answer0, latent0) = network.InitialState(carry.BatchSize, carry.Answer.device);
        var rowMask = reset.view(-1, 1, 1);
        var answer = where(rowMask, answer0, carry.Answer.to(network.ForwardType));
        var latent = where(rowMask, latent0, carry.Latent.to(network.ForwardType));
        var steps = where(reset, zeros_like(carry.Steps), carry.Steps);
        var newInputs = where(reset.view(-1, 1), inputs, carry.Inputs);
        var newLabels = where(reset.view(-1, 1), labels, carry.Labels);
        var newIds = where(reset, puzzleIds, carry.PuzzleIds);

        var (y, z, logits, haltLogits, continueLogits) = network.DeepRecursion(answer, latent, newInputs, newIds);

        Tensor halted;
        using (no_grad())
        {
            steps = steps + 1;
            halted = steps >= arch.MaxSupervisionSteps;
            if (training && arch.MaxSupervisionSteps > 1)
            {
                // TRM (no_ACT_continue): halt logit > 0; HRM-style Q-learning: halt logit > continue logit.
                halted = halted | (arch.NoActContinue ? haltLogits > 0 : haltLogits > continueLogits);
                if (explorationDraws is not null && arch.HaltExplorationProbability > 0)
                {
                    // min steps = (u₁ < p) · uniform{2..N_sup}; a row may not halt below its minimum.
                    var draws = explorationDraws.to(steps.device);
                    var explore = draws[.., 0] < arch.HaltExplorationProbability;
                    var minimum = (draws[.., 1] * (arch.MaxSupervisionSteps - 1)).floor().to(ScalarType.Int64) + 2;
                    halted = halted & (steps >= where(explore, minimum, zeros_like(minimum)));
                }
            }
        }

        var next = new TrmCarry
        {
            Answer = y.detach(), Latent = z.detach(), Steps = steps, Halted = halted,
            Inputs = newInputs, Labels = newLabels, PuzzleIds = newIds,
        };
        return new Output(next, logits, haltLogits, continueLogits);
    }
}
