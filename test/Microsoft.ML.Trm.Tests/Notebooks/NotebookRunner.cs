using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;

namespace Microsoft.ML.Trm.Tests.Notebooks;

/// <summary>
/// Runs the C# cells of a Polyglot / .NET Interactive notebook (.ipynb) in order, the way the notebook's
/// <c>.net-csharp</c> kernel does: one Roslyn script submission per cell, each continuing the state of the previous
/// one. Lines starting with <c>#r</c>, <c>#i</c> or <c>#!</c> (kernel directives: package references, magic commands)
/// are dropped; the assemblies come from this process instead (the local build of Microsoft.ML.Trm and its
/// dependencies). Each cell's console output is captured; <see cref="Run"/> can write it back into the notebook as the
/// cell's saved output, so the outputs in the repository come from a real run.
/// </summary>
public static class NotebookRunner
{
    /// <summary>What one cell did.</summary>
    public sealed record CellResult(int Index, int CodeCellNumber, string FirstLine, string Output, TimeSpan Elapsed, Exception? Error);

    /// <summary>The default imports of the .NET Interactive C# kernel.</summary>
    public static readonly string[] KernelImports = { "System", "System.Collections.Generic", "System.Linq", "System.Text", "System.Threading.Tasks" };

    /// <summary>
    /// Runs every code cell of <paramref name="notebookPath"/> with <paramref name="workingDirectory"/> as the current
    /// directory; stops at the first failing cell. With <paramref name="writeOutputs"/>, and only when every cell
    /// succeeded, the captured outputs replace the notebook's saved outputs.
    /// </summary>
    public static IReadOnlyList<CellResult> Run(string notebookPath, string workingDirectory, bool writeOutputs, TextWriter log)
    {
        var notebook = JsonNode.Parse(File.ReadAllText(notebookPath))!.AsObject();
        var cells = notebook["cells"]!.AsArray();
        var options = ScriptOptions.Default
            .WithReferences(new[]
            {
                typeof(MLContext).Assembly, typeof(Microsoft.ML.IDataView).Assembly, typeof(Microsoft.ML.Data.TextLoader).Assembly,
                typeof(Microsoft.ML.Trm.TrmOptions).Assembly, typeof(TorchSharp.torch).Assembly, typeof(Enumerable).Assembly, typeof(List<>).Assembly,
                typeof(Stopwatch).Assembly, typeof(File).Assembly, typeof(JsonSerializer).Assembly,
            }.Concat(AppDomain.CurrentDomain.GetAssemblies().Where(a => !a.IsDynamic && a.Location.Length > 0)).Distinct())
            .WithImports(KernelImports)
            .WithEmitDebugInformation(false);

        var results = new List<CellResult>();
        ScriptState<object>? state = null;
        var previousDirectory = Environment.CurrentDirectory;
        var stdout = Console.Out;
        Environment.CurrentDirectory = workingDirectory;
        try
        {
            int codeCell = 0;
            for (int i = 0; i < cells.Count; i++)
            {
                var cell = cells[i]!.AsObject();
                if ((string?)cell["cell_type"] != "code") continue;
                codeCell++;
                var source = SourceOf(cell);
                var code = StripDirectives(source);
                var firstLine = source.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? "";
                var capture = new StringWriter();
                var watch = Stopwatch.StartNew();
                Exception? error = null;
                if (code.Trim().Length > 0)
                {
                    Console.SetOut(capture);
                    try
                    {
                        state = state == null
                            ? CSharpScript.RunAsync(code, options).GetAwaiter().GetResult()
                            : state.ContinueWithAsync(code, options).GetAwaiter().GetResult();
                        if (state.ReturnValue != null) capture.WriteLine(state.ReturnValue);
                    }
                    catch (Exception ex) { error = ex; }
                    finally { Console.Out.Flush(); Console.SetOut(stdout); }
                }
                var result = new CellResult(i, codeCell, firstLine, capture.ToString().Replace("\r", ""), watch.Elapsed, error);
                results.Add(result);
                log.WriteLine($"=== cell {codeCell} (notebook cell {i}) {(error == null ? "ok" : "FAILED")} in {watch.Elapsed.TotalSeconds:F1} s: {firstLine}");
                log.Write(result.Output);
                if (error != null)
                {
                    log.WriteLine(error is CompilationErrorException c ? "compilation error: " + string.Join("\n", c.Diagnostics) : error.ToString());
                    return results;
                }
            }
        }
        finally
        {
            Console.SetOut(stdout);
            Environment.CurrentDirectory = previousDirectory;
        }

        if (writeOutputs)
        {
            int count = 0;
            foreach (var r in results)
            {
                var cell = cells[r.Index]!.AsObject();
                count++;
                cell["execution_count"] = count;
                var outputs = new JsonArray();
                if (r.Output.Length > 0)
                    outputs.Add(new JsonObject
                    {
                        ["name"] = "stdout",
                        ["output_type"] = "stream",
                        ["text"] = new JsonArray(SplitKeepingNewlines(r.Output).Select(l => (JsonNode)JsonValue.Create(l)!).ToArray()),
                    });
                cell["outputs"] = outputs;
            }
            var json = notebook.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            File.WriteAllText(notebookPath, json.Replace("\r", "") + "\n");
            log.WriteLine($"wrote the outputs of {results.Count} code cells into {notebookPath}");
        }
        return results;
    }

    /// <summary>The cell's source as one string (ipynb stores it as a string or a list of lines).</summary>
    public static string SourceOf(JsonObject cell) => cell["source"] switch
    {
        JsonArray lines => string.Concat(lines.Select(l => (string?)l)),
        JsonValue v => (string?)v ?? "",
        _ => "",
    };

    /// <summary>Drops kernel directives (#r, #i, #!) that only the notebook kernel understands.</summary>
    public static string StripDirectives(string source) =>
        string.Join('\n', source.Replace("\r", "").Split('\n').Select(l =>
        {
            var t = l.TrimStart();
            return t.StartsWith("#r ") || t.StartsWith("#i ") || t.StartsWith("#!") ? "// (directive) " + t : l;
        }));

    private static IEnumerable<string> SplitKeepingNewlines(string text)
    {
        int start = 0;
        for (int i = 0; i < text.Length; i++)
            if (text[i] == '\n') { yield return text[start..(i + 1)]; start = i + 1; }
        if (start < text.Length) yield return text[start..];
    }
}
