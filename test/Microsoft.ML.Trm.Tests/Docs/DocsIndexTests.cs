using System.Text.RegularExpressions;

namespace Microsoft.ML.Trm.Tests.Docs;

/// <summary>docs/README.md lists every page, and relative links in the docs and READMEs point at files that exist.</summary>
public class DocsIndexTests
{
    [Test]
    public void DocsIndex_ListsEveryPage()
    {
        var docs = Path.Combine(DocsSnippetTests.RepoRoot(), "docs");
        var index = File.ReadAllText(Path.Combine(docs, "README.md"));
        var pages = Directory.EnumerateFiles(docs, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".md") || f.EndsWith(".ipynb"))
            .Select(f => Path.GetRelativePath(docs, f).Replace('\\', '/'))
            .Where(p => p != "README.md");
        Assert.That(pages.Where(p => !index.Contains("](" + p)), Is.Empty, "pages missing from docs/README.md");
    }

    [Test]
    public void RelativeLinks_PointAtExistingFiles()
    {
        var root = DocsSnippetTests.RepoRoot();
        var files = Directory.EnumerateFiles(Path.Combine(root, "docs"), "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".md") || f.EndsWith(".ipynb"))
            .Append(Path.Combine(root, "README.md"))
            .Append(Path.Combine(root, "src/Microsoft.ML.Trm/README.md"));
        var broken = new List<string>();
        foreach (var file in files)
            foreach (Match m in Regex.Matches(File.ReadAllText(file), @"\]\(([^)\s]+)\)"))
            {
                var target = m.Groups[1].Value.Split('#')[0];
                if (target.Length == 0 || target.Contains("://") || target.StartsWith("mailto:")) continue;
                if (!File.Exists(Path.Combine(Path.GetDirectoryName(file)!, target)) && !Directory.Exists(Path.Combine(Path.GetDirectoryName(file)!, target)))
                    broken.Add($"{Path.GetRelativePath(root, file)}: {m.Groups[1].Value}");
            }
        Assert.That(broken, Is.Empty);
    }
}
