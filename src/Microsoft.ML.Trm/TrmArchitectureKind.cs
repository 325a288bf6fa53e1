namespace Microsoft.ML.Trm;

/// <summary>
/// Which recursive model <see cref="TrmOptions"/> builds (<see cref="TrmOptions.Architecture"/>). The paper's comparisons
/// (arXiv 2510.04871, Tables 1 and 4) are between these three, all built from the same post-norm blocks.
/// </summary>
public enum TrmArchitectureKind
{
    /// <summary>
    /// TRM: one shared network f (<see cref="TrmOptions.Layers"/> blocks) used for both z ← f(z + y + x) and
    /// y ← f(y + z); T = <see cref="TrmOptions.OuterCycles"/>, n = <see cref="TrmOptions.InnerCycles"/>; gradients through
    /// the n+1 calls of the last recursion. Paper: 87.4% (MLP-T) / 74.7% (attention) on Sudoku-Extreme.
    /// </summary>
    Trm,

    /// <summary>
    /// HRM (sapientinc/HRM hrm_act_v1.py): two networks, H_level (<see cref="TrmOptions.HighLevelLayers"/> blocks) and
    /// L_level (<see cref="TrmOptions.Layers"/> blocks); H_cycles = <see cref="TrmOptions.OuterCycles"/>, L_cycles =
    /// <see cref="TrmOptions.InnerCycles"/>; z_L ← L(z_L + z_H + x), z_H ← H(z_H + z_L); the 1-step gradient (only the final
    /// L call and the final H call record gradients). Use with <see cref="TrmOptions.ActContinueLoss"/> = true for HRM's
    /// Q-learning halting (preset "hrm"). Paper: 55.0% on Sudoku-Extreme with 27.3M parameters.
    /// </summary>
    Hrm,

    /// <summary>
    /// Direct prediction: the same blocks applied once to the embedded puzzle, logits = head(f(x)); no recursion, no deep
    /// supervision (always exactly one supervision step, whatever <see cref="TrmOptions.MaxSupervisionSteps"/> says), no
    /// halting at inference. Paper (from the HRM paper): 0.0% on Sudoku-Extreme with 27M parameters.
    /// </summary>
    Direct,
}
