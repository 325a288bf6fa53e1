using Microsoft.ML.Runtime;

namespace Microsoft.ML.Trm.MlNet;

/// <summary>
/// Closed over the internal <c>Microsoft.ML.ModelLoadContext</c> by the weaver, this class has exactly the
/// <c>static TTransformer Create(IHostEnvironment, ModelLoadContext)</c> that ML.NET's ComponentCatalog looks for
/// (it searches public and non-public static methods, so the class may stay internal).
/// </summary>
/// <typeparam name="TTransformer">The transformer to recreate.</typeparam>
/// <typeparam name="TContext">Microsoft.ML.ModelLoadContext at run time.</typeparam>
internal static class MlNetLoader<TTransformer, TContext>
    where TTransformer : class, IMlNetLoadable<TTransformer>
    where TContext : class
{
    /// <summary>Called by ML.NET while loading a model.</summary>
    public static TTransformer Create(IHostEnvironment env, TContext ctx) => ModelLoadReader.Load<TTransformer>(env, ctx);
}
