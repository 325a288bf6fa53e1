using Microsoft.ML.Trm.Data;

namespace Microsoft.ML.Trm.Tests.Data;

public class ArcFileTests
{
    [Test]
    public void ReadFolder_Fixtures_ReadsSixTasksWithTestOutputs()
    {
        var tasks = ArcFile.ReadFolder(Fixture.ArcFolder).ToList();
        Assert.That(tasks.Select(t => t.Id), Is.EqualTo(new[] { "25ff71a9", "27a28665", "3af2c5a8", "6150a2bd", "d10ecb37", "dae9d2b5" }));
        var t6150 = tasks.Single(t => t.Id == "6150a2bd");
        Assert.That(t6150.Train, Has.Count.EqualTo(2));
        Assert.That(ArcCodec.FormatGrid(t6150.Test[0].Input), Is.EqualTo("635|680|400"));
        Assert.That(tasks.Single(t => t.Id == "27a28665").Test, Has.Count.EqualTo(3));
        Assert.That(tasks.All(t => t.Test.All(p => p.Output != null)), Is.True);
    }

    [Test]
    public void WriteFolder_ThenReadFolder_RoundTrips()
    {
        var tasks = ArcFile.ReadFolder(Fixture.ArcFolder).ToList();
        var dir = Fixture.TempDirectory();
        ArcFile.WriteFolder(dir, tasks);
        var back = ArcFile.ReadFolder(dir).ToList();
        Assert.That(back.Zip(tasks).All(p => p.First.ContentEquals(p.Second)), Is.True);
        Assert.That(back, Has.Count.EqualTo(tasks.Count));
        Directory.Delete(dir, true);
    }

    [Test]
    public void WriteKaggle_ThenReadKaggle_RoundTripsWithAndWithoutSolutions()
    {
        var tasks = ArcFile.ReadFolder(Fixture.ArcFolder).ToList();
        var dir = Fixture.TempDirectory();
        string c = Path.Combine(dir, "x_challenges.json"), s = Path.Combine(dir, "x_solutions.json");
        ArcFile.WriteKaggle(c, s, tasks);
        var back = ArcFile.ReadKaggle(c, s).ToList();
        Assert.That(back, Has.Count.EqualTo(tasks.Count));
        Assert.That(back.Zip(tasks).All(p => p.First.ContentEquals(p.Second)), Is.True);
        var challenges = ArcFile.ReadKaggle(c).ToList();
        Assert.That(challenges.All(t => t.Test.All(p => p.Output == null)), Is.True);
        Directory.Delete(dir, true);
    }

    private static string ErrorOf(string json) =>
        Assert.Throws<PuzzleFormatException>(() => ArcFile.ParseTask(json, "abc", "abc.json"))!.Message;

    [Test]
    public void ParseTask_NotJson_NamesFileAndLine() =>
        Assert.That(ErrorOf("{\"train\": [\n oops"), Does.StartWith("abc.json, line 2").And.Contain("not valid JSON"));

    [Test]
    public void ParseTask_MissingTest_SaysSo() =>
        Assert.That(ErrorOf("{\"train\": [{\"input\": [[1]], \"output\": [[2]]}]}"), Is.EqualTo("abc.json: task abc: missing the 'test' array."));

    [Test]
    public void ParseTask_RaggedRows_NamesPairAndRow() =>
        Assert.That(ErrorOf("{\"train\": [{\"input\": [[1]], \"output\": [[2]]}, {\"input\": [[1,2],[3]], \"output\": [[2]]}], \"test\": []}"),
            Is.EqualTo("abc.json: task abc, train pair 2, input, row 2: ragged grid, expected 2 cells as in row 1, found 1."));

    [Test]
    public void ParseTask_ColourOutsideRange_NamesRowAndColumn() =>
        Assert.That(ErrorOf("{\"train\": [{\"input\": [[1]], \"output\": [[2]]}], \"test\": [{\"input\": [[0, 10]]}]}"),
            Is.EqualTo("abc.json: task abc, test pair 1, input, row 1, column 2: expected a colour 0-9, found 10."));

    [Test]
    public void ParseTask_GridLargerThan30_IsRejected()
    {
        string row = "[" + string.Join(",", Enumerable.Repeat("0", 31)) + "]";
        Assert.That(ErrorOf($"{{\"train\": [{{\"input\": [{row}], \"output\": [[2]]}}], \"test\": []}}"),
            Is.EqualTo("abc.json: task abc, train pair 1, input, row 1: the row has 31 cells; at most 30 are allowed."));
    }

    [Test]
    public void ParseTask_TestWithoutOutput_IsAllowed()
    {
        var t = ArcFile.ParseTask("{\"train\": [{\"input\": [[1]], \"output\": [[2]]}], \"test\": [{\"input\": [[3]]}]}", "abc");
        Assert.That(t.Test[0].Output, Is.Null);
    }
}
