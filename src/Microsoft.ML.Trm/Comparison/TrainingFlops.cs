using Microsoft.ML.Trm.Model;

namespace Microsoft.ML.Trm.Comparison;

/// <summary>
/// The estimated training cost of one example and optimiser step, used to give every configuration of a comparison
/// the same compute (<c>trm compare --budget-flops</c>) and shown by the training plan (<see cref="TrmTrainingPlan.FlopsPerStep"/>).
/// </summary>
internal static class TrainingFlops
{
    /// <summary>
    /// Estimated training FLOPs per example and optimiser step: 2·params·tokens per block call (+ 4·tokens²·D for
    /// attention), backward = 2 × forward for the calls that record gradients, the extra no-grad pass of the continue
    /// loss, and the embedding/heads. An estimate for equalising budgets, not a measurement.
    /// </summary>
    public static double PerExample(TrmOptions options, int vocabSize, int sequenceLength)
    {
        ArgumentNullException.ThrowIfNull(options);
        var arch = options.ToArchitecture(vocabSize, sequenceLength, 1);
        arch.Validate();
        double tokens = arch.TotalLength, d = arch.HiddenSize;
        double mixer = arch.MlpT
            ? 3.0 * 2 * SwiGlu.InnerSizeFor(arch.TotalLength, arch.Expansion) * arch.TotalLength * d       // over positions, per channel
            : 2 * tokens * (4 * d * d) + 4 * tokens * tokens * d;                                            // qkv + o, scores + values
        double mlp = 2 * tokens * 3 * d * SwiGlu.InnerSizeFor(arch.HiddenSize, arch.Expansion);
        double block = mixer + mlp;
        var (forwardBlocks, gradBlocks) = BlockCalls(arch);
        double heads = 2 * tokens * d * (vocabSize + 2);
        double perPass = forwardBlocks * block + heads;
        double total = perPass + 2 * (gradBlocks * block + heads);
        if (!arch.NoActContinue) total += perPass;   // extra forward for the continue target
        return total;
    }

    /// <summary>Block calls per supervision step: all of them, and those that record gradients.</summary>
    private static (double Forward, double WithGradient) BlockCalls(TrmArchitecture arch)
    {
        int T = arch.OuterCycles, n = arch.InnerCycles;
        return arch.Kind switch
        {
            TrmArchitectureKind.Hrm => (T * n * arch.Layers + T * arch.HighLevelLayers, arch.Layers + arch.HighLevelLayers),
            TrmArchitectureKind.Direct => (arch.Layers, arch.Layers),
            _ => (T * (n + 1) * arch.Layers, (arch.OneStepGradient ? 2 : n + 1) * arch.Layers),
        };
    }
}
