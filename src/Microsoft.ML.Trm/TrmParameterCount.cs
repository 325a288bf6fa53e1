using Microsoft.ML.Trm.Model;
using TorchSharp;

namespace Microsoft.ML.Trm;

/// <summary>Parameter counts of TRM configurations, without training (e.g. for a table of presets).</summary>
public static class TrmParameterCount
{
    /// <summary>
    /// Trainable parameters of the network <paramref name="options"/> builds for data of
    /// <paramref name="vocabSize"/> tokens (PAD included) and <paramref name="sequenceLength"/> positions, counted as
    /// <see cref="TrmTransformer.ParameterCount"/> counts them (the puzzle-embedding table is not counted, as in the paper).
    /// The network is built on the CPU and disposed; this takes as long as initialising the weights.
    /// </summary>
    /// <param name="options">The configuration, e.g. <c>TrmPresets.Create("tiny")</c>.</param>
    /// <param name="vocabSize">Token vocabulary, e.g. 11 for 9×9 Sudoku, 6 for mazes, 12 for ARC.</param>
    /// <param name="sequenceLength">Tokens per puzzle, e.g. 81, 900 or 16.</param>
    /// <param name="numPuzzleIdentifiers">Rows of the puzzle-embedding table (not counted; 1 is enough).</param>
    /// <exception cref="ArgumentOutOfRangeException">An option or size is out of range.</exception>
    public static long CountParameters(this TrmOptions options, int vocabSize, int sequenceLength, int numPuzzleIdentifiers = 1)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(vocabSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sequenceLength);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numPuzzleIdentifiers);
        options.Validate();
        using var scope = torch.NewDisposeScope();
        using var network = new TrmNetwork(options.ToArchitecture(vocabSize, sequenceLength, numPuzzleIdentifiers), torch.ScalarType.Float32, new torch.Generator(0));
        return network.ParameterCount;
    }
}
