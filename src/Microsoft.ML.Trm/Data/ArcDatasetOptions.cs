namespace Microsoft.ML.Trm.Data;

/// <summary>Settings of <see cref="ArcDataset.Build(IEnumerable{ArcSubsetTask}, ArcDatasetOptions)"/>.</summary>
public sealed record ArcDatasetOptions
{
    /// <summary>Extra augmented variants per task (the reference's <c>num_aug</c>, 1000); 0 keeps only the originals.</summary>
    public int Augmentations { get; init; } = 1000;

    /// <summary>Seed of the random draws (augmentations, translations); the reference uses 42.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Translate train-split pairs on the canvas (one random example per puzzle stays at (0,0)).</summary>
    public bool Translate { get; init; } = true;
}
