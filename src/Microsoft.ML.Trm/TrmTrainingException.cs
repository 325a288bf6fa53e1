namespace Microsoft.ML.Trm;

/// <summary>Training cannot go on (for example the loss became NaN or infinite). The message says at which step and why.</summary>
public sealed class TrmTrainingException : Exception
{
    /// <summary>Creates the exception with a complete message.</summary>
    public TrmTrainingException(string message) : base(message) { }

    /// <summary>Creates the exception with a complete message and its cause.</summary>
    public TrmTrainingException(string message, Exception innerException) : base(message, innerException) { }
}
