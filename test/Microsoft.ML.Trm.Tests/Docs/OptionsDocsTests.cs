namespace Microsoft.ML.Trm.Tests.Docs;

public class OptionsDocsTests
{
    [Test]
    public void OptionsPage_ListsEveryPublicOption()
    {
        var page = File.ReadAllText(Path.Combine(DocsSnippetTests.RepoRoot(), "docs", "options.md"));
        var missing = typeof(TrmOptions).GetProperties().Select(p => p.Name).Where(name => !page.Contains($"`{name}`")).ToList();
        Assert.That(missing, Is.Empty, "options missing from docs/options.md");
    }

    [Test]
    public void OptionsPage_ListsEveryPreset()
    {
        var page = File.ReadAllText(Path.Combine(DocsSnippetTests.RepoRoot(), "docs", "options.md"));
        Assert.That(TrmPresets.Names.Where(n => !page.Contains($"`{n}`")), Is.Empty);
    }
}
