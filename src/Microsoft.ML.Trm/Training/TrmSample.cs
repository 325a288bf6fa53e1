namespace Microsoft.ML.Trm.Training;

/// <summary>One sampled row: its index, its group, and the augmentation variant drawn for the group (0 = as stored).</summary>
internal readonly record struct TrmSample(int Row, int Group, int Variant);
