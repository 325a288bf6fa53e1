using Microsoft.ML.Runtime;

namespace Microsoft.ML.Trm.MlNet;

/// <summary>
/// Marker read by build/MlNetWeaver: <c>[assembly: MlNetLoadable(typeof(T), typeof(MlNetLoader&lt;,&gt;), userName, loaderSignature)]</c>
/// becomes ML.NET's internal <c>[assembly: LoadableClass(typeof(T), typeof(MlNetLoader&lt;T, ModelLoadContext&gt;), null,
/// typeof(SignatureLoadModel), userName, loaderSignature)]</c>. A loader with one type parameter (<c>Loader&lt;TContext&gt;</c>)
/// is closed over <c>ModelLoadContext</c> only.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
internal sealed class MlNetLoadableAttribute : Attribute
{
    /// <summary>Declares <paramref name="instanceType"/> loadable by <c>mlContext.Model.Load</c>.</summary>
    public MlNetLoadableAttribute(Type instanceType, Type openGenericLoader, string userName, string loaderSignature)
    {
        InstanceType = instanceType;
        OpenGenericLoader = openGenericLoader;
        UserName = userName;
        LoaderSignature = loaderSignature;
    }

    /// <summary>The transformer type.</summary>
    public Type InstanceType { get; }

    /// <summary>The open generic loader, e.g. <c>typeof(MlNetLoader&lt;,&gt;)</c>.</summary>
    public Type OpenGenericLoader { get; }

    /// <summary>Human-readable name.</summary>
    public string UserName { get; }

    /// <summary>The loader signature written into the model header (fewer than 24 characters).</summary>
    public string LoaderSignature { get; }
}

/// <summary>A transformer that ML.NET can recreate from a model file through <see cref="MlNetLoader{TTransformer, TContext}"/>.</summary>
/// <typeparam name="TSelf">The implementing transformer.</typeparam>
internal interface IMlNetLoadable<TSelf> where TSelf : class, IMlNetLoadable<TSelf>
{
    /// <summary>The signatures and versions written by Save and accepted by Load.</summary>
    static abstract ModelVersion ModelVersion { get; }

    /// <summary>Reads what Save wrote through <see cref="ModelSaveWriter"/>, in the same order.</summary>
    static abstract TSelf Load(ModelLoadReader reader);
}

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
