using static TorchSharp.torch;

namespace Microsoft.ML.Trm.Model;

/// <summary>
/// HRM's Q-learning target for the continue logit (sapientinc/HRM hrm_act_v1.py, ACT forward): one extra forward pass,
/// without gradient, of the NEW carry on the same examples; target = sigmoid(q_halt') at a row's last step, otherwise
/// sigmoid(max(q_halt', q_continue')). No replay buffer or target network (upstream comment: many parallel rows, as PQN).
/// Used when <see cref="TrmArchitecture.NoActContinue"/> is false (HRM, and the TRM "w/ ACT" ablation).
/// </summary>
internal static class HrmActTarget
{
    /// <param name="network">The network being trained (its mode is left as is; the pass records no gradient).</param>
    /// <param name="next">The carry produced by this supervision step (detached states, current examples, step counts).</param>
    /// <returns>Targets in [0, 1], float32 [batch].</returns>
    public static Tensor ContinueTarget(TrmNetwork network, TrmCarry next)
    {
        using var _ = no_grad();
        var (_, _, _, nextHalt, nextContinue) = network.DeepRecursion(
            next.Answer.to(network.ForwardType), next.Latent.to(network.ForwardType), next.Inputs, next.PuzzleIds);
        var isLastStep = next.Steps >= network.Architecture.MaxSupervisionSteps;
        return where(isLastStep, nextHalt, maximum(nextHalt, nextContinue)).sigmoid();
    }
}
