namespace Microsoft.ML.Trm.Training;

/// <summary>A batch on the host: inputs and labels [size × seq] (labels −100 where ignored), identifiers [size].</summary>
internal sealed record TrmBatch(int Size, int SequenceLength, long[] Inputs, long[] Labels, long[] PuzzleIds);
