using System.Text.RegularExpressions;

namespace Microsoft.ML.Trm.Tests.Docs;

/// <summary>Every "#region snippet: NAME" of the sample sources must appear verbatim (unindented) in the docs.</summary>
public class DocsSnippetTests
{
    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "Microsoft.ML.Trm.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException("Repository root (Microsoft.ML.Trm.sln) not found above " + AppContext.BaseDirectory);
    }

    internal static Dictionary<string, string> Snippets(string sourceFile)
    {
        var text = File.ReadAllText(sourceFile).Replace("\r", "");
        var result = new Dictionary<string, string>();
        foreach (Match m in Regex.Matches(text, @"#region snippet: (\S+)\n(.*?)\n\s*#endregion", RegexOptions.Singleline))
        {
            var lines = m.Groups[2].Value.Split('\n');
            int indent = lines.Where(l => l.Trim().Length > 0).Min(l => l.Length - l.TrimStart().Length);
            result[m.Groups[1].Value] = string.Join('\n', lines.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart()));
        }
        return result;
    }

    [TestCase("test/Microsoft.ML.Trm.Tests/Docs/PipelineSample.cs", "docs/ml-net-pipeline.md")]
    [TestCase("test/Microsoft.ML.Trm.Tests/Serve/HostingSample.cs", "docs/serving.md")]
    [TestCase("test/Microsoft.ML.Trm.Tests/Docs/GettingStartedSample.cs", "docs/getting-started.md")]
    public void Docs_ContainEverySnippetVerbatim(string source, string page)
    {
        var root = RepoRoot();
        var snippets = Snippets(Path.Combine(root, source));
        Assert.That(snippets, Is.Not.Empty);
        var doc = File.ReadAllText(Path.Combine(root, page)).Replace("\r", "");
        foreach (var (name, code) in snippets)
            Assert.That(doc, Does.Contain(code), $"snippet '{name}' of {source} is not verbatim in {page}");
    }
}
