namespace Microsoft.ML.Trm.Data;

/// <summary>One ARC input/output pair; <see cref="Output"/> is null for a test input whose solution is unknown.</summary>
/// <param name="Input">The input grid (rows of colours 0-9).</param>
/// <param name="Output">The output grid, or null when unknown.</param>
public sealed record ArcPair(int[][] Input, int[][]? Output);
