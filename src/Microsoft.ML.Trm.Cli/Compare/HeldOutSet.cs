using Microsoft.ML.Trm.Data;
using Microsoft.ML.Trm.Inference;
using Microsoft.ML.Trm.Model;
using static TorchSharp.torch;

namespace Microsoft.ML.Trm.Cli;

/// <summary>The held-out puzzles of a comparison as token rows, scored with the library's inference core and metrics.</summary>
internal sealed class HeldOutSet
{
    private const int BatchSize = 128;
    private readonly int[] _inputs, _labels;

    public HeldOutSet(IReadOnlyList<PuzzleExample> examples, PuzzleCodec codec)
    {
        SequenceLength = codec.SequenceLength;
        Count = examples.Count;
        _inputs = examples.SelectMany(e => codec.Encode(e.Puzzle)).ToArray();
        _labels = examples.SelectMany(e => codec.Encode(e.Solution)).ToArray();
    }

    public int Count { get; }

    public int SequenceLength { get; }

    /// <summary>
    /// Exact, token and blank-cell accuracy of <paramref name="network"/> (evaluation weights) on the first
    /// <paramref name="rows"/> puzzles: fresh start, all N_sup steps (<c>TrmInference.Run</c> via <c>TrmEvaluation</c>).
    /// </summary>
    public TrmMetrics Evaluate(TrmNetwork network, int rows)
    {
        rows = Math.Min(rows, Count);
        int cells = rows * SequenceLength;
        return TrmEvaluation.Evaluate(network, CPU, _inputs[..cells], _labels[..cells], new int[rows], SequenceLength, BatchSize,
            haltAtInference: false, source: "held-out data");
    }
}
