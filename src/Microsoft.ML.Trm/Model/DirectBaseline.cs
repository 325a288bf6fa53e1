using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Trm.Model;

/// <summary>
/// The direct-prediction baseline of the paper's comparisons (<see cref="TrmArchitectureKind.Direct"/>): the same blocks,
/// one forward pass, one supervision step, with the number of blocks chosen so that the trainable parameter count is as
/// close as possible to a given model's.
/// </summary>
internal static class DirectBaseline
{
    /// <summary>Trainable parameters of the network <paramref name="options"/> builds for the given data shape.</summary>
    public static long ParameterCount(TrmOptions options, int vocabSize, int sequenceLength)
    {
        using var network = new TrmNetwork(options.ToArchitecture(vocabSize, sequenceLength, 1), ScalarType.Float32, new Generator(0));
        return network.ParameterCount;
    }

    /// <summary>
    /// Options for a direct baseline shaped like <paramref name="template"/> (mixer, width, training recipe) whose block count
    /// minimises |params − params(<paramref name="matchTo"/>)|; ties go to fewer blocks. Returns both counts.
    /// </summary>
    public static (TrmOptions Options, long Parameters, long TargetParameters) Match(TrmOptions matchTo, TrmOptions template, int vocabSize, int sequenceLength, int maxLayers = 64)
    {
        long target = ParameterCount(matchTo, vocabSize, sequenceLength);
        var baseline = template.Clone();
        baseline.Architecture = TrmArchitectureKind.Direct;
        baseline.SingleLatent = false; baseline.OneStepGradient = false; baseline.ActContinueLoss = false;
        baseline.Layers = 1;
        long one = ParameterCount(baseline, vocabSize, sequenceLength);
        baseline.Layers = 2;
        long perBlock = ParameterCount(baseline, vocabSize, sequenceLength) - one;   // every block has the same size
        long fixedPart = one - perBlock;
        int best = 1;
        for (int layers = 1; layers <= maxLayers; layers++)
            if (Math.Abs(fixedPart + layers * perBlock - target) < Math.Abs(fixedPart + best * perBlock - target)) best = layers;
        baseline.Layers = best;
        return (baseline, fixedPart + best * perBlock, target);
    }
}
