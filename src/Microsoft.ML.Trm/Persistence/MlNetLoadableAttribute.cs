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
