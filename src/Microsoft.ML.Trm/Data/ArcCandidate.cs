namespace Microsoft.ML.Trm.Data;

/// <summary>A pooled candidate answer for one original test input.</summary>
/// <param name="Grid">The answer in the original frame.</param>
/// <param name="Votes">How many predictions gave it.</param>
/// <param name="MeanHaltProbability">Mean halt probability of those predictions.</param>
public sealed record ArcCandidate(int[][] Grid, int Votes, float MeanHaltProbability);
