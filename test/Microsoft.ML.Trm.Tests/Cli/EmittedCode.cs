using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Microsoft.ML.Trm.Tests.Cli;

/// <summary>Compiles the C# files of <c>trm train --emit-code</c> with Roslyn against the assemblies this test process loaded.</summary>
internal static class EmittedCode
{
    public static Assembly Compile(params string[] files)
    {
        // Make sure the assemblies the generated code names are loaded, then reference everything loaded from a file.
        _ = new[] { typeof(MLContext), typeof(Microsoft.ML.Data.TransformerChain<>), typeof(IDataView), typeof(TrmOptions) };
        var references = AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => !a.IsDynamic && a.Location.Length > 0)
            .Select(a => MetadataReference.CreateFromFile(a.Location));
        var trees = files.Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), new CSharpParseOptions(LanguageVersion.Latest), path: f));
        var compilation = CSharpCompilation.Create("Emitted" + Guid.NewGuid().ToString("N"), trees, references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        var problems = result.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.ToString()).ToList();
        Assert.That(result.Success && problems.Count == 0, Is.True, "the emitted code compiles without warnings:\n" + string.Join("\n", problems));
        return Assembly.Load(stream.ToArray());
    }
}
