using Microsoft.ML.Trm.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Trm.Training;

/// <summary>
/// The training loop state of upstream pretrain.py: the network, its optimisers, the EMA, the carry and the step
/// counter. One <see cref="TrainStep"/> = one supervision step = one forward (T·(n+1) network calls), one backward
/// and one optimiser step, all inside one dispose scope; only the carry survives it.
/// </summary>
internal sealed class TrmTrainingLoop : IDisposable
{
    private readonly TrmOptions _options;
    private readonly ParameterOptimizer _optimizer;
    private readonly EmaWeights? _ema;
    private readonly Generator _generator;
    private TrmCarry? _carry;

    public TrmTrainingLoop(TrmNetwork network, TrmOptions options, long totalSteps, Device device, Generator generator)
    {
        Network = network;
        _options = options;
        TotalSteps = totalSteps;
        Device = device;
        _generator = generator;
        network.train();
        _optimizer = new ParameterOptimizer(network.named_parameters().Select(p => (p.name, (Tensor)p.parameter)),
            options.Optimizer, options.Beta1, options.Beta2, options.WeightDecay, options.AdamEpsilon);
        if (options.UseEma) _ema = new EmaWeights(network, options.EmaRate, _optimizer.FlatParameters);
    }

    public TrmNetwork Network { get; }
    public Device Device { get; }
    public long TotalSteps { get; }

    /// <summary>Optimiser steps taken so far (upstream train_state.step).</summary>
    public long Step { get; private set; }

    /// <summary>The learning rate used by the last step.</summary>
    public double LearningRate { get; private set; }

    internal ParameterOptimizer Optimizer => _optimizer;
    internal EmaWeights? Ema => _ema;
    internal Generator Generator => _generator;
    internal TrmCarry? Carry => _carry;

    /// <summary>Called at the end of each phase of <see cref="TrainStep"/> with its name (the benchmark's profile).</summary>
    internal Action<string>? OnPhase { get; set; }

    /// <summary>Sets the step counter and carry after a checkpoint was loaded.</summary>
    internal void Restore(long step, TrmCarry? carry)
    {
        Step = step;
        _carry?.Dispose();
        _carry = carry;
    }

    /// <summary>One supervision step on <paramref name="batch"/> (halted carry rows take its examples).</summary>
    public StepMetrics TrainStep(TrmBatch batch)
    {
        using var scope = NewDisposeScope();
        Step++;
        var arch = Network.Architecture;
        var carry = _carry ?? TrmSupervisionStep.EmptyCarry(arch, batch.Size, Device);
        if (carry.BatchSize != batch.Size)
            throw new InvalidOperationException($"Batch size changed from {carry.BatchSize} to {batch.Size} during training.");
        var inputs = tensor(batch.Inputs, new long[] { batch.Size, batch.SequenceLength }).to(Device);
        var labels = tensor(batch.Labels, new long[] { batch.Size, batch.SequenceLength }).to(Device);
        var ids = tensor(batch.PuzzleIds).to(Device);
        // Exploration draws come from the loop's (CPU) generator, so runs and resumed runs repeat; they are copied to
        // the device with the batch, before the forward pass, not in the middle of the step.
        var draws = rand(new long[] { batch.Size, 2 }, generator: _generator).to(Device);
        OnPhase?.Invoke("prepare");

        var output = TrmSupervisionStep.Run(Network, carry, inputs, labels, ids, training: true, draws);
        var next = output.Carry;
        OnPhase?.Invoke("forward");
        // HRM-style ACT: an extra no-grad forward pass on the new carry gives the Q-continue target (HrmActTarget.cs).
        var continueTarget = arch.NoActContinue ? null : HrmActTarget.ContinueTarget(Network, next);
        var (loss, metricsTensor) = TrmLoss.Compute(output.Logits, next.Labels, output.HaltLogits, continueTarget is null ? null : output.ContinueLogits,
            continueTarget, next.Steps, next.Halted, _options.Loss);
        OnPhase?.Invoke("loss+metrics");
        (loss / batch.Size).backward();
        OnPhase?.Invoke("backward");

        LearningRate = LearningRateSchedule.At(Step, _options.LearningRate, _options.LearningRateWarmupSteps, TotalSteps, _options.MinLearningRateRatio);
        double puzzleLr = LearningRateSchedule.At(Step, _options.PuzzleEmbeddingLearningRate, _options.LearningRateWarmupSteps, TotalSteps, _options.MinLearningRateRatio);
        // A non-finite loss or gradient must not reach the weights. The optimiser decides on the device (masked
        // update, no wait for the loss) and the puzzle table and EMA follow its verdict.
        var lossIsFinite = loss.isfinite();
        var applied = _options.FreezeWeights ? lossIsFinite : _optimizer.Step(LearningRate, lossIsFinite);
        Network.PuzzleTable?.SignSgdStep(puzzleLr, _options.PuzzleEmbeddingWeightDecay, applied);
        OnPhase?.Invoke("optimizer");
        _optimizer.ZeroGrad();
        _ema?.Update(applied);
        OnPhase?.Invoke("zero-grad+ema");

        // The step's only read of device values: all metrics and the verdict at once, after the optimiser has been
        // queued. A skipped update stops training here, before the carry advances and before any checkpoint of it.
        var values = cat(new[] { metricsTensor, applied.to(ScalarType.Float64).reshape(1) }).cpu().data<double>().ToArray();
        var metrics = StepMetrics.FromVector(values);
        OnPhase?.Invoke("metrics read");
        if (values[StepMetrics.VectorLength] == 0)
            throw new TrmTrainingException($"The loss or its gradient became non-finite at step {Step} (lm {metrics.LmLoss}, halt {metrics.HaltLoss}, continue {metrics.ContinueLoss}); " +
                $"training stopped and this step's update was not applied (the weights are those after step {Step - 1}).");

        _carry?.Dispose();
        _carry = next.DetachFromScope();
        return metrics;
    }

    /// <summary>
    /// A separate network for evaluation and saving: the EMA weights (or the raw ones) and the current buffers, in the
    /// inference dtype of the options' precision (with <see cref="TrmPrecision.Auto"/> on an AMX CPU the training network
    /// runs in bfloat16 and this copy in float32: evaluation during training computes what the saved model will).
    /// </summary>
    public TrmNetwork CreateEvaluationNetwork()
    {
        var forwardType = Network.ForwardType == TrmDevice.ForwardType(_options.Precision, Device, training: true)
            ? TrmDevice.ForwardType(_options.Precision, Device, training: false)
            : Network.ForwardType;
        var copy = new TrmNetwork(Network.Architecture, forwardType, new Generator(0));
        copy.to(Device);
        using (no_grad())
        {
            var source = Network.state_dict();
            foreach (var (name, t) in copy.state_dict()) t.copy_(source[name]);
        }
        _ema?.CopyTo(copy);
        copy.eval();
        return copy;
    }

    public void Dispose()
    {
        _carry?.Dispose();
        _optimizer.Dispose();
        _ema?.Dispose();
    }
}
