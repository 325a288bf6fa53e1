using Microsoft.ML.Trm.Model;
using static TorchSharp.torch;

namespace Microsoft.ML.Trm.Inference;

/// <summary>
/// The one inference core, as upstream pretrain.py evaluate(): a fresh start per batch, then N_sup supervision steps
/// in eval mode (no early halting unless asked), under no_grad with one dispose scope per batch and one per step.
/// Predictions and halt probabilities reach the host once per batch, after the last step, unless per-step outputs or
/// halting at inference need them after every step. The caller owns the network (and its lock, if shared).
/// </summary>
internal static class TrmInference
{
    /// <summary>Solves <paramref name="batch"/> (validated here) with <paramref name="network"/> on <paramref name="device"/>.</summary>
    /// <param name="network">The network; put in eval mode for the call (its mode is restored).</param>
    /// <param name="device">Where the network lives.</param>
    /// <param name="batch">The puzzles.</param>
    /// <param name="haltAtInference">Let a row stop at the first step whose halt probability exceeds 0.5.</param>
    /// <param name="recordSteps">Also return the tokens and halt probability after every step.</param>
    /// <exception cref="ArgumentOutOfRangeException">A row has the wrong length or a token outside the vocabulary.</exception>
    public static InferenceResult Run(TrmNetwork network, Device device, TokenBatch batch, bool haltAtInference = false, bool recordSteps = false)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(batch);
        var arch = network.Architecture;
        int n = batch.Count, seq = arch.SequenceLength, nSup = arch.MaxSupervisionSteps;
        batch.Validate(seq, arch.VocabSize);
        var outputs = new Outputs(n, seq, nSup, recordSteps);
        if (n == 0) return outputs.ToResult();

        using var _ = no_grad();
        using var scope = NewDisposeScope();
        bool wasTraining = network.training;
        network.eval();
        try
        {
            var ids = batch.PuzzleIds.Select(id => id >= 0 && id < arch.NumPuzzleIdentifiers ? (long)id : 0L).ToArray(); // unknown: blank id 0
            var inputs = tensor(batch.Tokens, new long[] { n, seq }).to(device).to(ScalarType.Int64);
            var puzzleIds = tensor(ids).to(device);
            var (answer, latent) = TrmSupervisionStep.FreshState(network, n, device);
            bool hostEveryStep = haltAtInference || recordSteps;
            for (int step = 1; step <= nSup; step++)
            {
                using var stepScope = NewDisposeScope();
                var output = TrmSupervisionStep.Evaluate(network, answer, latent, inputs, puzzleIds);
                if (hostEveryStep || step == nSup)
                {
                    var predicted = output.Logits.argmax(-1).to(ScalarType.Int32).cpu().data<int>().ToArray();
                    var halt = output.HaltLogits.sigmoid().cpu().data<float>().ToArray();
                    outputs.Take(step, predicted, halt, haltAtInference);
                }
                answer.Dispose(); latent.Dispose();
                answer = output.Answer.MoveToOuterDisposeScope();
                latent = output.Latent.MoveToOuterDisposeScope();
                if (outputs.AllDone) break;
            }
            return outputs.ToResult();
        }
        finally
        {
            if (wasTraining) network.train();
        }
    }

    /// <summary>The host-side answers, filled step by step (rows that halted keep their answer).</summary>
    private sealed class Outputs
    {
        private readonly int n, seq, nSup;
        private readonly bool recordSteps;
        private readonly int[] _tokens, _steps;
        private readonly float[] _confidences;
        private readonly bool[] _done;
        private readonly int[]? _stepTokens;
        private readonly float[]? _stepConfidences;
        private int _remaining;

        public Outputs(int n, int seq, int nSup, bool recordSteps)
        {
            (this.n, this.seq, this.nSup, this.recordSteps, _remaining) = (n, seq, nSup, recordSteps, n);
            (_tokens, _steps, _confidences, _done) = (new int[n * seq], new int[n], new float[n], new bool[n]);
            _stepTokens = recordSteps ? new int[n * nSup * seq] : null;
            _stepConfidences = recordSteps ? new float[n * nSup] : null;
        }

        public bool AllDone => _remaining == 0;

        public void Take(int step, int[] predicted, float[] halt, bool haltAtInference)
        {
            if (_remaining == n && step == nSup && !haltAtInference && !recordSteps)
            {
                // The common case: one copy, after the last step.
                predicted.CopyTo(_tokens, 0);
                halt.CopyTo(_confidences, 0);
                Array.Fill(_steps, step);
                return;
            }
            for (int i = 0; i < n; i++)
            {
                if (_done[i]) continue;
                predicted.AsSpan(i * seq, seq).CopyTo(_tokens.AsSpan(i * seq, seq));
                _confidences[i] = halt[i];
                _steps[i] = step;
                if (_stepTokens is not null)
                {
                    predicted.AsSpan(i * seq, seq).CopyTo(_stepTokens.AsSpan((i * nSup + step - 1) * seq, seq));
                    _stepConfidences![i * nSup + step - 1] = halt[i];
                }
                if (haltAtInference && halt[i] > 0.5f) { _done[i] = true; _remaining--; }
            }
        }

        public InferenceResult ToResult()
        {
            if (_stepTokens is not null)
                for (int i = 0; i < n; i++)
                    for (int s = Math.Max(1, _steps[i]); s < nSup; s++)   // after a row halted: repeat its last step
                    {
                        _stepTokens.AsSpan((i * nSup + _steps[i] - 1) * seq, seq).CopyTo(_stepTokens.AsSpan((i * nSup + s) * seq, seq));
                        _stepConfidences![i * nSup + s] = _stepConfidences[i * nSup + _steps[i] - 1];
                    }
            return new InferenceResult(seq, nSup, _tokens, _confidences, _steps, _stepTokens, _stepConfidences);
        }
    }
}
