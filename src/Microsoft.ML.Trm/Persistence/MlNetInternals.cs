using System.Reflection;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Trm;

/// <summary>
/// The one file that reaches ML.NET internals, by reflection. CHECKED AGAINST Microsoft.ML 5.0.1 AND 6.0.0 (the
/// package declares [5.0.1, 7.0.0)): every name below exists with the same signature in both; the build uses 5.0.1
/// and the package tests (test/Microsoft.ML.Trm.Tests/Package) train, save, load and predict in a consumer on each.
/// A new Microsoft.ML major must pass those tests before the range is widened.
/// </summary>
/// <remarks>
/// <para>ML.NET 5.0.1 and 6.0.0 keep their model persistence API internal ([BestFriend]). Internals used here:</para>
/// <list type="bullet">
/// <item><c>Microsoft.ML.VersionInfo</c>: ctor (string modelSignature, uint verWrittenCur, uint verReadableCur,
/// uint verWeCanReadBack, string loaderAssemblyName, string loaderSignature, string loaderSignatureAlt).</item>
/// <item><c>Microsoft.ML.ModelSaveContext</c> (the type is public, these members are internal): <c>CheckAtModel()</c>,
/// <c>SetVersionInfo(VersionInfo)</c>, field <c>Writer</c>, property <c>InRepository</c>,
/// <c>SaveBinaryStream(string, Action&lt;BinaryWriter&gt;)</c>.</item>
/// <item><c>Microsoft.ML.ModelLoadContext</c> (internal type): <c>CheckAtModel(VersionInfo)</c>, field <c>Reader</c>,
/// field <c>Header</c> (struct <c>ModelHeader</c>, field <c>ModelVerWritten</c>), property <c>InRepository</c>,
/// <c>TryLoadBinaryStream(string, Action&lt;BinaryReader&gt;)</c>.</item>
/// <item><c>Microsoft.ML.SchemaShape.Column</c>: the 5-argument ctor (name, kind, itemType, isKey, annotations).</item>
/// <item><c>Microsoft.ML.Data.IInternalCatalog.Environment</c>: the <see cref="IHostEnvironment"/> behind
/// <see cref="TransformsCatalog"/>.</item>
/// <item><c>Microsoft.ML.Runtime.IHostEnvironmentInternal</c>: <c>GpuDeviceId</c>, <c>FallbackToCpu</c>, <c>Seed</c>;
/// <c>Microsoft.ML.Runtime.ICancelable.IsCanceled</c>.</item>
/// </list>
/// <para>Besides this file, build/MlNetWeaver adds the internal <c>Microsoft.ML.LoadableClassAttribute</c> (6-argument
/// ctor) with <c>SignatureLoadModel</c> to this assembly after compilation (see AssemblyAttributes.cs). Members are
/// looked up once; a missing one is reported when first used, by <see cref="MissingMemberException"/> naming it.</para>
/// </remarks>
internal static class MlNetInternals
{
    /// <summary>The Microsoft.ML versions these internals were checked against.</summary>
    public const string SupportedVersions = "5.0.1 and 6.0.0";

    private const BindingFlags Any = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static;
    private static readonly Assembly Core = typeof(ModelSaveContext).Assembly; // Microsoft.ML.Core
    private static readonly Assembly Data = typeof(TransformsCatalog).Assembly; // Microsoft.ML.Data

    private static readonly Type? VersionInfoType = Core.GetType("Microsoft.ML.VersionInfo");
    private static readonly Type? LoadContextType = Core.GetType("Microsoft.ML.ModelLoadContext");
    private static readonly Type? EnvironmentInternalType = Core.GetType("Microsoft.ML.Runtime.IHostEnvironmentInternal");
    private static readonly Type? CancelableType = Core.GetType("Microsoft.ML.Runtime.ICancelable");
    private static readonly Type? InternalCatalogType = Data.GetType("Microsoft.ML.Data.IInternalCatalog");

    private static readonly ConstructorInfo? VersionInfoCtor = VersionInfoType?.GetConstructor(Any, new[]
        { typeof(string), typeof(uint), typeof(uint), typeof(uint), typeof(string), typeof(string), typeof(string) });

    private static readonly MethodInfo? SaveCheckAtModel = typeof(ModelSaveContext).GetMethod("CheckAtModel", Any, Type.EmptyTypes);
    private static readonly MethodInfo? SaveSetVersionInfo = VersionInfoType == null ? null : typeof(ModelSaveContext).GetMethod("SetVersionInfo", Any, new[] { VersionInfoType });
    private static readonly FieldInfo? SaveWriter = typeof(ModelSaveContext).GetField("Writer", Any);
    private static readonly PropertyInfo? SaveInRepository = typeof(ModelSaveContext).GetProperty("InRepository", Any);
    private static readonly MethodInfo? SaveBinaryStreamMethod = typeof(ModelSaveContext).GetMethod("SaveBinaryStream", Any, new[] { typeof(string), typeof(Action<BinaryWriter>) });

    private static readonly MethodInfo? LoadCheckAtModel = VersionInfoType == null ? null : LoadContextType?.GetMethod("CheckAtModel", Any, new[] { VersionInfoType });
    private static readonly FieldInfo? LoadReader = LoadContextType?.GetField("Reader", Any);
    private static readonly FieldInfo? LoadHeader = LoadContextType?.GetField("Header", Any);
    private static readonly FieldInfo? HeaderModelVerWritten = Core.GetType("Microsoft.ML.ModelHeader")?.GetField("ModelVerWritten", Any);
    private static readonly PropertyInfo? LoadInRepository = LoadContextType?.GetProperty("InRepository", Any);
    private static readonly MethodInfo? TryLoadBinaryStreamMethod = LoadContextType?.GetMethod("TryLoadBinaryStream", Any, new[] { typeof(string), typeof(Action<BinaryReader>) });

    private static readonly ConstructorInfo? ColumnCtor = typeof(SchemaShape.Column).GetConstructor(Any, new[]
        { typeof(string), typeof(SchemaShape.Column.VectorKind), typeof(DataViewType), typeof(bool), typeof(SchemaShape) });

    private static readonly PropertyInfo? CatalogEnvironment = InternalCatalogType?.GetProperty("Environment", Any);
    private static readonly PropertyInfo? EnvGpuDeviceId = EnvironmentInternalType?.GetProperty("GpuDeviceId", Any);
    private static readonly PropertyInfo? EnvFallbackToCpu = EnvironmentInternalType?.GetProperty("FallbackToCpu", Any);
    private static readonly PropertyInfo? EnvSeed = EnvironmentInternalType?.GetProperty("Seed", Any);
    private static readonly PropertyInfo? CancelableIsCanceled = CancelableType?.GetProperty("IsCanceled", Any);

    /// <summary>The internal <c>Microsoft.ML.ModelLoadContext</c> type, used to close the loader generics.</summary>
    public static Type ModelLoadContextType => Require(LoadContextType, "type Microsoft.ML.ModelLoadContext");

    // ------------------------------------------------------------------ save side

    /// <summary>Creates the internal <c>VersionInfo</c> that heads a model entry (<paramref name="modelSignature"/>: 8 ASCII chars).</summary>
    public static object CreateVersionInfo(string modelSignature, uint verWritten, uint verReadable, uint verWeCanReadBack,
        string loaderAssemblyName, string loaderSignature)
        => Invoke(Require(VersionInfoCtor, "Microsoft.ML.VersionInfo..ctor(string, uint, uint, uint, string, string, string)"),
            null, modelSignature, verWritten, verReadable, verWeCanReadBack, loaderAssemblyName, loaderSignature, null)!;

    /// <summary><c>ctx.CheckAtModel(); ctx.SetVersionInfo(versionInfo);</c></summary>
    public static void BeginSave(ModelSaveContext ctx, object versionInfo)
    {
        Invoke(Require(SaveCheckAtModel, "Microsoft.ML.ModelSaveContext.CheckAtModel()"), ctx);
        Invoke(Require(SaveSetVersionInfo, "Microsoft.ML.ModelSaveContext.SetVersionInfo(VersionInfo)"), ctx, versionInfo);
    }

    /// <summary>The writer of this model's main stream (<c>ModelSaveContext.Writer</c>).</summary>
    public static BinaryWriter Writer(ModelSaveContext ctx)
        => (BinaryWriter)Require(SaveWriter, "Microsoft.ML.ModelSaveContext.Writer (field)").GetValue(ctx)!;

    /// <summary>True when saving into a zip repository, where separate entries can be written.</summary>
    public static bool InRepository(ModelSaveContext ctx)
        => (bool)Require(SaveInRepository, "Microsoft.ML.ModelSaveContext.InRepository").GetValue(ctx)!;

    /// <summary>Writes a separate zip entry named <paramref name="name"/> next to this model's <c>Model.key</c>.</summary>
    public static void SaveBinaryStream(ModelSaveContext ctx, string name, Action<BinaryWriter> write)
        => Invoke(Require(SaveBinaryStreamMethod, "Microsoft.ML.ModelSaveContext.SaveBinaryStream(string, Action<BinaryWriter>)"), ctx, name, write);

    // ------------------------------------------------------------------ load side (ctx is the internal ModelLoadContext)

    /// <summary><c>ctx.CheckAtModel(versionInfo)</c>: checks the model signature and the readable version.</summary>
    public static void CheckAtModel(object loadContext, object versionInfo)
        => Invoke(Require(LoadCheckAtModel, "Microsoft.ML.ModelLoadContext.CheckAtModel(VersionInfo)"), loadContext, versionInfo);

    /// <summary>The reader of this model's main stream (<c>ModelLoadContext.Reader</c>).</summary>
    public static BinaryReader Reader(object loadContext)
        => (BinaryReader)Require(LoadReader, "Microsoft.ML.ModelLoadContext.Reader (field)").GetValue(loadContext)!;

    /// <summary>The version the model was written with (<c>ModelLoadContext.Header.ModelVerWritten</c>).</summary>
    public static uint ModelVersionWritten(object loadContext)
    {
        var header = Require(LoadHeader, "Microsoft.ML.ModelLoadContext.Header (field)").GetValue(loadContext);
        return (uint)Require(HeaderModelVerWritten, "Microsoft.ML.ModelHeader.ModelVerWritten (field)").GetValue(header)!;
    }

    /// <summary>True when loading from a zip repository.</summary>
    public static bool InRepository(object loadContext)
        => (bool)Require(LoadInRepository, "Microsoft.ML.ModelLoadContext.InRepository").GetValue(loadContext)!;

    /// <summary>Reads the separate entry <paramref name="name"/>; false when it does not exist.</summary>
    public static bool TryLoadBinaryStream(object loadContext, string name, Action<BinaryReader> read)
        => (bool)Invoke(Require(TryLoadBinaryStreamMethod, "Microsoft.ML.ModelLoadContext.TryLoadBinaryStream(string, Action<BinaryReader>)"), loadContext, name, read)!;

    // ------------------------------------------------------------------ schema shapes

    /// <summary>A <see cref="SchemaShape.Column"/> (its ctor is internal) with no annotations.</summary>
    public static SchemaShape.Column MakeColumn(string name, SchemaShape.Column.VectorKind kind, DataViewType itemType, bool isKey = false)
        => (SchemaShape.Column)Invoke(Require(ColumnCtor, "Microsoft.ML.SchemaShape.Column..ctor(string, VectorKind, DataViewType, bool, SchemaShape)"),
            null, name, kind, itemType, isKey, null)!;

    // ------------------------------------------------------------------ environment

    /// <summary>The <see cref="IHostEnvironment"/> behind <c>mlContext.Transforms</c> (not the MLContext object itself).</summary>
    public static IHostEnvironment GetEnvironment(TransformsCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return (IHostEnvironment)Require(CatalogEnvironment, "Microsoft.ML.Data.IInternalCatalog.Environment").GetValue(catalog)!;
    }

    /// <summary><c>MLContext.GpuDeviceId</c> as seen through an environment; null when not set or not available.</summary>
    public static int? GetGpuDeviceId(IHostEnvironment env)
        => IsInternalEnvironment(env) ? (int?)Require(EnvGpuDeviceId, "Microsoft.ML.Runtime.IHostEnvironmentInternal.GpuDeviceId").GetValue(env) : null;

    /// <summary><c>MLContext.FallbackToCpu</c> as seen through an environment; false when not available.</summary>
    public static bool GetFallbackToCpu(IHostEnvironment env)
        => IsInternalEnvironment(env) && (bool)Require(EnvFallbackToCpu, "Microsoft.ML.Runtime.IHostEnvironmentInternal.FallbackToCpu").GetValue(env)!;

    /// <summary>The seed the MLContext was created with; null when it was created without one.</summary>
    public static int? GetSeed(IHostEnvironment env)
        => IsInternalEnvironment(env) ? (int?)Require(EnvSeed, "Microsoft.ML.Runtime.IHostEnvironmentInternal.Seed").GetValue(env) : null;

    /// <summary>True after <c>MLContext.CancelExecution()</c>.</summary>
    public static bool IsCanceled(IHostEnvironment env)
        => CancelableType != null && CancelableType.IsInstanceOfType(env)
           && (bool)Require(CancelableIsCanceled, "Microsoft.ML.Runtime.ICancelable.IsCanceled").GetValue(env)!;

    /// <summary>Throws <see cref="OperationCanceledException"/> after <c>MLContext.CancelExecution()</c>, as ML.NET's CheckAlive does.</summary>
    public static void ThrowIfCanceled(IHostEnvironment env)
    {
        if (IsCanceled(env))
            throw new OperationCanceledException("Operation was canceled.");
    }

    private static bool IsInternalEnvironment(IHostEnvironment env)
    {
        ArgumentNullException.ThrowIfNull(env);
        return Require(EnvironmentInternalType, "type Microsoft.ML.Runtime.IHostEnvironmentInternal").IsInstanceOfType(env);
    }

    // ------------------------------------------------------------------ plumbing

    private static T Require<T>(T? member, string description) where T : class
        => member ?? throw new MissingMemberException(
            $"ML.NET internal member '{description}' was not found in Microsoft.ML {Core.GetName().Version}. "
            + $"Microsoft.ML.Trm reaches ML.NET internals by reflection and supports Microsoft.ML {SupportedVersions}.");

    private static object? Invoke(MethodBase method, object? target, params object?[] args)
        => method is ConstructorInfo ctor
            ? ctor.Invoke(BindingFlags.DoNotWrapExceptions, null, args, null)
            : method.Invoke(target, BindingFlags.DoNotWrapExceptions, null, args, null);
}
