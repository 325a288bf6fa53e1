using Microsoft.ML.Trm.Model;
using static TorchSharp.torch;

namespace Microsoft.ML.Trm.Training;

/// <summary>
/// Evaluation as upstream pretrain.py evaluate(): a fresh carry per batch, then N_sup supervision steps in eval
/// mode (no early halting unless asked), under no_grad and one dispose scope per batch.
/// </summary>
internal static class TrmInference
{
    public static TrmSolution[] Predict(TrmNetwork network, IReadOnlyList<long[]> inputs, IReadOnlyList<long> puzzleIds,
        Device device, bool haltAtInference = false, bool recordSteps = false)
    {
        int n = inputs.Count;
        if (n == 0) return Array.Empty<TrmSolution>();
        var arch = network.Architecture;
        int seq = arch.SequenceLength;
        var flat = new long[n * seq];
        for (int i = 0; i < n; i++)
        {
            if (inputs[i].Length != seq) throw new ArgumentException($"Row {i} has {inputs[i].Length} tokens; the model expects {seq}.");
            inputs[i].CopyTo(flat, i * seq);
        }
        var ids = puzzleIds.ToArray();
        for (int i = 0; i < n; i++)
            if (ids[i] < 0 || ids[i] >= arch.NumPuzzleIdentifiers) ids[i] = 0; // unknown puzzles use the blank identifier

        using var _ = no_grad();
        using var scope = NewDisposeScope();
        bool wasTraining = network.training;
        network.eval();
        try
        {
            var x = tensor(flat, new long[] { n, seq }).to(device);
            var labels = full(new long[] { n, seq }, TrmLoss.IgnoreLabel, ScalarType.Int64, device: device);
            var idTensor = tensor(ids).to(device);
            var carry = TrmSupervisionStep.EmptyCarry(arch, n, device);
            var done = new bool[n];
            var results = new int[n][];
            var confidence = new float[n];
            var stepsUsed = new int[n];
            var stepTokens = recordSteps ? new List<int[]>[n] : null;
            var stepConf = recordSteps ? new List<float>[n] : null;
            if (recordSteps) for (int i = 0; i < n; i++) { stepTokens![i] = new(); stepConf![i] = new(); }

            for (int step = 1; step <= arch.MaxSupervisionSteps; step++)
            {
                int[] predicted;
                float[] halt;
                using (var stepScope = NewDisposeScope())
                {
                    var output = TrmSupervisionStep.Run(network, carry, x, labels, idTensor, training: false, explorationDraws: null);
                    predicted = output.Logits.argmax(-1).to(ScalarType.Int32).cpu().data<int>().ToArray();
                    halt = output.HaltLogits.sigmoid().cpu().data<float>().ToArray();
                    var previous = carry;
                    carry = output.Carry.MoveToOuterScope();
                    previous.Dispose();
                }
                for (int i = 0; i < n; i++)
                {
                    if (done[i]) continue;
                    var row = predicted.AsSpan(i * seq, seq).ToArray();
                    results[i] = row;
                    confidence[i] = halt[i];
                    stepsUsed[i] = step;
                    if (recordSteps) { stepTokens![i].Add(row); stepConf![i].Add(halt[i]); }
                    if (haltAtInference && halt[i] > 0.5f) done[i] = true;
                }
                if (haltAtInference && done.All(d => d)) break;
            }
            return Enumerable.Range(0, n).Select(i => new TrmSolution(results[i], confidence[i], stepsUsed[i])
            {
                StepTokens = stepTokens?[i].ToArray(),
                StepConfidences = stepConf?[i].ToArray(),
            }).ToArray();
        }
        finally
        {
            if (wasTraining) network.train();
        }
    }
}
