namespace Microsoft.ML.Trm.Data;

/// <summary>Which split of the dataset an example belongs to.</summary>
public enum ArcSplit
{
    /// <summary>Training examples.</summary>
    Train,

    /// <summary>Evaluation examples (test pairs of the test subset).</summary>
    Test,
}
