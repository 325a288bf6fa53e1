namespace Microsoft.ML.Trm;

/// <summary>
/// Thrown when puzzle text, a puzzle file or a token vector does not follow its format. The message names
/// where the problem is (file, row, column or cell) and what was expected and found.
/// </summary>
public sealed class PuzzleFormatException : FormatException
{
    /// <summary>Creates the exception with a complete message.</summary>
    public PuzzleFormatException(string message) : base(message) { }

    /// <summary>Creates the exception with a complete message and the error that caused it.</summary>
    public PuzzleFormatException(string message, Exception innerException) : base(message, innerException) { }
}
