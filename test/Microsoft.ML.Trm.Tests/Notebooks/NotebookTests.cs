using System.Text.Json.Nodes;
using Microsoft.ML.Trm.Tests.Docs;

namespace Microsoft.ML.Trm.Tests.Notebooks;

/// <summary>
/// Runs docs/notebooks/*.ipynb cell by cell against the local build (NotebookRunner, in a fresh process) and fails
/// naming the first cell that fails. Regenerate the saved outputs with the same run:
/// <c>dotnet test/Microsoft.ML.Trm.Tests/bin/Release/net10.0/Microsoft.ML.Trm.Tests.dll child run-notebook docs/notebooks/trm-sudoku.ipynb --write-outputs</c>.
/// </summary>
public class NotebookTests
{
    private const string Notebook = "docs/notebooks/trm-sudoku.ipynb";

    [Test]
    public void Notebook_RunsEveryCell()
    {
        var path = Path.Combine(DocsSnippetTests.RepoRoot(), Notebook);
        var (exit, stdout, stderr) = ChildProcess.RunTestHost(TimeSpan.FromMinutes(4), "run-notebook", path);
        TestContext.Out.WriteLine(stdout);
        var failed = stdout.Split('\n').FirstOrDefault(l => l.StartsWith("=== cell ") && l.Contains("FAILED"));
        Assert.That(exit, Is.EqualTo(0), (failed ?? "the notebook run failed") + "\n" + stdout + stderr);
        Assert.That(stdout, Does.Contain("solved: True"), "the last cell solves a held-out puzzle");
    }

    [Test]
    public void Notebook_IsAPolyglotCSharpNotebook_WithSavedOutputs()
    {
        var notebook = JsonNode.Parse(File.ReadAllText(Path.Combine(DocsSnippetTests.RepoRoot(), Notebook)))!;
        Assert.That((string?)notebook["metadata"]!["kernelspec"]!["name"], Is.EqualTo(".net-csharp"));
        var code = notebook["cells"]!.AsArray().Where(c => (string?)c!["cell_type"] == "code").ToList();
        Assert.That(code, Has.Count.GreaterThan(5));
        foreach (var cell in code)
        {
            var source = NotebookRunner.SourceOf(cell!.AsObject());
            if (!source.Contains("Console.Write")) continue;
            Assert.That(cell["outputs"]!.AsArray(), Is.Not.Empty, "every code cell that prints has a saved output (run the child command with --write-outputs):\n" + source);
        }
    }
}
