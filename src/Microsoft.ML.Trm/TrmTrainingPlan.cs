using System.Text.Json.Serialization;

namespace Microsoft.ML.Trm;

/// <summary>
/// What a <c>Fit</c> will do, computed from the data and the options without training (<see cref="TrmEstimator.Plan(IDataView)"/>,
/// <c>trm train --dry-run</c>), with the reference's arithmetic: total steps = int(epochs · groups · mean examples per
/// puzzle / batch) (pretrain.py 219), capped by <see cref="TrmOptions.MaxSteps"/>. The training run uses the same plan.
/// </summary>
public sealed record TrmTrainingPlan
{
    /// <summary>Training rows (examples) read.</summary>
    [JsonPropertyName("rows")] public long Rows { get; init; }

    /// <summary>Groups (an original puzzle or ARC task with its stored variants); an epoch draws one member of each.</summary>
    [JsonPropertyName("groups")] public long Groups { get; init; }

    /// <summary>Stored puzzles (rows with the same group and puzzle identifier form one puzzle).</summary>
    [JsonPropertyName("puzzles")] public long Puzzles { get; init; }

    /// <summary>Mean rows per stored puzzle (upstream mean_puzzle_examples).</summary>
    [JsonPropertyName("mean_examples_per_puzzle")] public double MeanExamplesPerPuzzle { get; init; }

    /// <summary>Examples one epoch draws: groups × mean examples per puzzle.</summary>
    [JsonPropertyName("examples_per_epoch")] public double ExamplesPerEpoch { get; init; }

    /// <summary>On-the-fly augmentation.</summary>
    [JsonPropertyName("augmentation")] public TrmAugmentation Augmentation { get; init; }

    /// <summary>Members each stored puzzle stands for (1 + variants; 1 without augmentation).</summary>
    [JsonPropertyName("members_per_puzzle")] public int MembersPerPuzzle { get; init; }

    /// <summary>Examples per optimiser step (after clamping to the data).</summary>
    [JsonPropertyName("batch_size")] public int BatchSize { get; init; }

    /// <summary>Epochs.</summary>
    [JsonPropertyName("epochs")] public int Epochs { get; init; }

    /// <summary>Epochs per sampling iteration (upstream eval_interval); validation runs after each.</summary>
    [JsonPropertyName("epochs_per_iteration")] public int EpochsPerIteration { get; init; }

    /// <summary>Sampling iterations.</summary>
    [JsonPropertyName("iterations")] public int Iterations { get; init; }

    /// <summary>int(epochs · groups · mean examples per puzzle / batch): the reference's step count and schedule length.</summary>
    [JsonPropertyName("scheduled_steps")] public long ScheduledSteps { get; init; }

    /// <summary>Steps this run plans: <see cref="ScheduledSteps"/> capped by <see cref="TrmOptions.MaxSteps"/> (the reference
    /// runs a few fewer when iterations drop their last batch, e.g. 65,100 of 65,104).</summary>
    [JsonPropertyName("total_steps")] public long TotalSteps { get; init; }

    /// <summary>Validation every this many steps besides the iteration ends (0 = none).</summary>
    [JsonPropertyName("evaluate_every_steps")] public int EvaluateEverySteps { get; init; }

    /// <summary>Checkpoint every this many steps (null: by time only).</summary>
    [JsonPropertyName("checkpoint_every_steps")] public int? CheckpointEverySteps { get; init; }

    /// <summary>Checkpoint when this much time passed since the last one (null: by steps only); and always at the end.</summary>
    [JsonPropertyName("checkpoint_every_minutes")] public double? CheckpointEveryMinutes { get; init; }

    /// <summary>Tokens per row.</summary>
    [JsonPropertyName("sequence_length")] public int SequenceLength { get; init; }

    /// <summary>Token vocabulary of the network.</summary>
    [JsonPropertyName("vocab_size")] public int VocabSize { get; init; }

    /// <summary>Rows of the puzzle-embedding table.</summary>
    [JsonPropertyName("puzzle_identifiers")] public int PuzzleIdentifiers { get; init; }

    /// <summary>Trainable parameters (puzzle table excluded).</summary>
    [JsonPropertyName("parameters")] public long Parameters { get; init; }

    /// <summary>Estimated training FLOPs per optimiser step (batch × the per-example estimate of
    /// <see cref="Comparison.TrainingFlops.PerExample"/>).</summary>
    [JsonPropertyName("flops_per_step")] public double FlopsPerStep { get; init; }

    /// <summary>The reference's step count: int(epochs · groups · mean examples per puzzle / batch), evaluated left to right as pretrain.py.</summary>
    public static long ReferenceTotalSteps(long epochs, long groups, double meanExamplesPerPuzzle, int batchSize)
        => (long)(epochs * groups * meanExamplesPerPuzzle / batchSize);
}
