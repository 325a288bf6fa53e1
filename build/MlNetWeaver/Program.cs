// MlNetWeaver: post-compile step for Microsoft.ML.Trm (route B of ../shared/docs/mlnet-torchsharp-notes.md §4B).
//
// For every marker   [assembly: MlNetLoadable(typeof(T), typeof(Loader<>) or typeof(Loader<,>), userName, loaderSignature)]
// in the target assembly it adds ML.NET's internal
//   [assembly: Microsoft.ML.LoadableClass(typeof(T), typeof(Loader<ModelLoadContext>) or typeof(Loader<T, ModelLoadContext>),
//                                         null, typeof(SignatureLoadModel), userName, loaderSignature)]
// which ComponentCatalog scans when mlContext.Model.Load meets a model written by T. The runtime keeps that
// (internal) attribute only if the assembly also carries [assembly: IgnoresAccessChecksTo("Microsoft.ML.Core")];
// the weaver checks it. Idempotent: a loader signature that already has a LoadableClass is skipped, and when
// nothing is added the file is not touched. Built against Microsoft.ML 5.0.1 (6-argument LoadableClassAttribute ctor);
// the woven attribute binds to Microsoft.ML.Core 1.0.0.0, the assembly version of both 5.0.1 and 6.0.0 (the package
// tests load woven models in consumers on each).
//
// usage: MlNetWeaver <assembly.dll> <reference.dll>...   (the references must include Microsoft.ML.Core.dll)
// exit codes: 0 done or nothing to do, 1 error (printed in MSBuild's "error MLW001:" format).
using Mono.Cecil;

const string MarkerName = "MlNetLoadableAttribute";
const string LoadableClassName = "Microsoft.ML.LoadableClassAttribute";

try
{
    return Weave(args);
}
catch (Exception ex)
{
    Console.Error.WriteLine($"MlNetWeaver : error MLW001: {ex.Message}");
    return 1;
}

static int Weave(string[] args)
{
    if (args.Length < 2)
        throw new ArgumentException("usage: MlNetWeaver <assembly.dll> <reference.dll>... (including Microsoft.ML.Core.dll)");
    var target = Path.GetFullPath(args[0]);
    var references = args.Skip(1).Select(Path.GetFullPath).ToList();
    var coreDll = references.FirstOrDefault(r => Path.GetFileName(r).Equals("Microsoft.ML.Core.dll", StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException("Microsoft.ML.Core.dll is not among the references passed to MlNetWeaver.");

    using var resolver = new DefaultAssemblyResolver();
    foreach (var dir in references.Select(r => Path.GetDirectoryName(r)!).Append(Path.GetDirectoryName(target)!).Distinct())
        resolver.AddSearchDirectory(dir);

    // Read everything into memory first so that the files can be overwritten in place.
    var pdb = Path.ChangeExtension(target, ".pdb");
    bool hasPdb = File.Exists(pdb);
    using var assembly = AssemblyDefinition.ReadAssembly(new MemoryStream(File.ReadAllBytes(target)), new ReaderParameters
    {
        AssemblyResolver = resolver,
        ReadSymbols = hasPdb,
        SymbolStream = hasPdb ? new MemoryStream(File.ReadAllBytes(pdb)) : null,
    });
    var module = assembly.MainModule;
    var name = assembly.Name.Name;

    var markers = assembly.CustomAttributes.Where(a => a.AttributeType.Name == MarkerName).ToList();
    if (markers.Count == 0)
    {
        Console.WriteLine($"MlNetWeaver: {name} has no [{MarkerName}] markers; nothing to do.");
        return 0;
    }
    bool ignoresAccessChecks = assembly.CustomAttributes.Any(a =>
        a.AttributeType.FullName == "System.Runtime.CompilerServices.IgnoresAccessChecksToAttribute"
        && a.ConstructorArguments.Count == 1 && (string)a.ConstructorArguments[0].Value == "Microsoft.ML.Core");
    if (!ignoresAccessChecks)
        throw new InvalidOperationException($"{name} has [{MarkerName}] markers but no [assembly: IgnoresAccessChecksTo(\"Microsoft.ML.Core\")]; "
            + "without it the runtime silently drops the woven LoadableClass attributes.");

    var woven = assembly.CustomAttributes
        .Where(a => a.AttributeType.FullName == LoadableClassName && a.ConstructorArguments.Count == 6)
        .SelectMany(a => ((CustomAttributeArgument[])a.ConstructorArguments[5].Value).Select(s => (string)s.Value))
        .ToHashSet(StringComparer.Ordinal);

    using var core = AssemblyDefinition.ReadAssembly(coreDll, new ReaderParameters { AssemblyResolver = resolver });
    TypeDefinition CoreType(string fullName) => core.MainModule.GetType(fullName)
        ?? throw new InvalidOperationException($"{fullName} was not found in {coreDll}; MlNetWeaver is pinned to Microsoft.ML 5.0.1.");
    var attributeType = CoreType(LoadableClassName);
    // LoadableClassAttribute(Type instanceType, Type loaderType, Type argumentType, Type signatureType, string userName, params string[] loadNames)
    var ctor = attributeType.Methods.SingleOrDefault(m => m.IsConstructor && !m.IsStatic && m.Parameters.Count == 6
            && m.Parameters[0].ParameterType.FullName == "System.Type" && m.Parameters[1].ParameterType.FullName == "System.Type"
            && m.Parameters[2].ParameterType.FullName == "System.Type" && m.Parameters[3].ParameterType.FullName == "System.Type"
            && m.Parameters[4].ParameterType.FullName == "System.String" && m.Parameters[5].ParameterType.FullName == "System.String[]")
        ?? throw new InvalidOperationException($"{LoadableClassName}(Type, Type, Type, Type, string, string[]) was not found in {coreDll}; MlNetWeaver is pinned to Microsoft.ML 5.0.1.");
    var loadContext = module.ImportReference(CoreType("Microsoft.ML.ModelLoadContext"));
    var signature = module.ImportReference(CoreType("Microsoft.ML.SignatureLoadModel"));
    var typeType = new TypeReference("System", "Type", module, module.TypeSystem.CoreLibrary);
    var stringType = module.TypeSystem.String;

    int added = 0;
    foreach (var marker in markers)
    {
        if (marker.ConstructorArguments.Count != 4)
            throw new InvalidOperationException($"[{MarkerName}] in {name} must have 4 arguments (instance type, open generic loader, user name, loader signature).");
        var instance = (TypeReference)marker.ConstructorArguments[0].Value;
        var openLoader = (TypeReference)marker.ConstructorArguments[1].Value;
        var userName = (string)marker.ConstructorArguments[2].Value;
        var loaderSignature = (string)marker.ConstructorArguments[3].Value;
        if (woven.Contains(loaderSignature))
            continue;

        var closedLoader = new GenericInstanceType(module.ImportReference(openLoader));
        switch (openLoader.GenericParameters.Count)
        {
            case 1: break;                                                    // Loader<TContext>
            case 2: closedLoader.GenericArguments.Add(instance); break;       // Loader<TTransformer, TContext>
            default:
                throw new InvalidOperationException($"[{MarkerName}] for {instance.FullName}: the loader {openLoader.FullName} must be an open generic with 1 (TContext) or 2 (TTransformer, TContext) type parameters.");
        }
        closedLoader.GenericArguments.Add(loadContext);

        var attribute = new CustomAttribute(module.ImportReference(ctor));
        attribute.ConstructorArguments.Add(new CustomAttributeArgument(typeType, instance));
        attribute.ConstructorArguments.Add(new CustomAttributeArgument(typeType, closedLoader));
        attribute.ConstructorArguments.Add(new CustomAttributeArgument(typeType, null));
        attribute.ConstructorArguments.Add(new CustomAttributeArgument(typeType, signature));
        attribute.ConstructorArguments.Add(new CustomAttributeArgument(stringType, userName));
        attribute.ConstructorArguments.Add(new CustomAttributeArgument(new ArrayType(stringType),
            new[] { new CustomAttributeArgument(stringType, loaderSignature) }));
        assembly.CustomAttributes.Add(attribute);
        woven.Add(loaderSignature);
        added++;
        Console.WriteLine($"MlNetWeaver: {name}: LoadableClass({instance.FullName}, {closedLoader.FullName}, SignatureLoadModel, \"{loaderSignature}\")");
    }

    if (added == 0)
    {
        Console.WriteLine($"MlNetWeaver: {name} is already woven ({markers.Count} loadable classes).");
        return 0;
    }
    assembly.Write(target, new WriterParameters { WriteSymbols = hasPdb, DeterministicMvid = true });
    Console.WriteLine($"MlNetWeaver: wove {added} loadable class(es) into {target}");
    return 0;
}
