namespace Microsoft.ML.Trm.MlNet;

/// <summary>A transformer that ML.NET can recreate from a model file through <see cref="MlNetLoader{TTransformer, TContext}"/>.</summary>
/// <typeparam name="TSelf">The implementing transformer.</typeparam>
internal interface IMlNetLoadable<TSelf> where TSelf : class, IMlNetLoadable<TSelf>
{
    /// <summary>The signatures and versions written by Save and accepted by Load.</summary>
    static abstract ModelVersion ModelVersion { get; }

    /// <summary>Reads what Save wrote through <see cref="ModelSaveWriter"/>, in the same order.</summary>
    static abstract TSelf Load(ModelLoadReader reader);
}
