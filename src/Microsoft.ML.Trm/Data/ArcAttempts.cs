namespace Microsoft.ML.Trm.Data;

/// <summary>The two attempts for one test input of an ARC Prize submission.</summary>
/// <param name="Attempt1">First attempt.</param>
/// <param name="Attempt2">Second attempt.</param>
public sealed record ArcAttempts(int[][] Attempt1, int[][] Attempt2);
