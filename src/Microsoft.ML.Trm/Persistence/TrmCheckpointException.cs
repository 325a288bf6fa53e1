namespace Microsoft.ML.Trm.Checkpoints;

/// <summary>A checkpoint that does not fit: unreadable, not a reference checkpoint, or keys/shapes that disagree with the model.</summary>
public sealed class TrmCheckpointException : IOException
{
    /// <summary>Creates the exception.</summary>
    public TrmCheckpointException(string message, Exception? inner = null) : base(message, inner) { }
}
