namespace Microsoft.ML.Trm;

/// <summary>How one <c>Fit</c> run is driven (not hyperparameters): validation data, progress, cancellation, checkpoints.</summary>
public sealed class TrmFitSettings
{
    /// <summary>Rows to evaluate on every <see cref="TrmOptions.EvaluateEverySteps"/> steps and at the end.</summary>
    /// <value>Default: null.</value>
    public IDataView? ValidationData { get; set; }

    /// <summary>Receives a report every <see cref="TrmOptions.LogEverySteps"/> steps and after each evaluation.</summary>
    /// <value>Default: null.</value>
    public IProgress<TrmProgress>? Progress { get; set; }

    /// <summary>
    /// Stops training at the next step boundary. When <see cref="CheckpointDirectory"/> is set a checkpoint is written
    /// first; then <see cref="OperationCanceledException"/> is thrown.
    /// </summary>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>Stop (successfully, with the model trained so far) after this much wall time.</summary>
    /// <value>Default: null.</value>
    public TimeSpan? MaxDuration { get; set; }

    /// <summary>Folder for training checkpoints (written atomically: temporary file, then rename). Null: none.</summary>
    /// <value>Default: null.</value>
    public string? CheckpointDirectory { get; set; }

    /// <summary>Steps between checkpoints (besides <see cref="CheckpointInterval"/> and the one at the end). Null: none by steps.</summary>
    /// <value>Default: null.</value>
    public int? CheckpointEverySteps { get; set; }

    /// <summary>
    /// Write a checkpoint when this much time passed since the last one (and always at the end). A checkpoint holds the
    /// whole training state (for the ARC preset about 3 GB), so the default is by time. Null: none by time.
    /// </summary>
    /// <value>Default: 10 minutes.</value>
    public TimeSpan? CheckpointInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Continue from the checkpoint in <see cref="CheckpointDirectory"/> when there is one.</summary>
    /// <value>Default: false.</value>
    public bool Resume { get; set; }

    /// <summary>A shallow copy: the same validation view, progress receiver and token, every setting copied.</summary>
    public TrmFitSettings Clone() => (TrmFitSettings)MemberwiseClone();
}
