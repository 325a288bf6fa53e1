using Microsoft.ML.Trm.Data;

namespace Microsoft.ML.Trm.Tests.Data;

public class MazeFileTests
{
    [Test]
    public void WriteCsv_ThenReadCsv_RoundTripsAndKeepsSpaces()
    {
        var mazes = MazeGenerator.Generate(new MazeGeneratorOptions { Size = 30 }, 2).Take(2)
            .Append(new PuzzleExample(MazeTestData.Puzzle, MazeRules.Solve(MazeTestData.Puzzle, 6), 0, "tiny", float.NaN))
            .ToList();
        var writer = new StringWriter();
        MazeFile.WriteCsv(writer, mazes);
        var back = MazeFile.ReadCsv(new StringReader(writer.ToString()), "m.csv").ToList();
        Assert.That(back, Is.EqualTo(mazes));
        Assert.That(back[2].Puzzle, Does.EndWith("##### "));

        var dir = Fixture.TempDirectory();
        var path = Path.Combine(dir, "m.csv");
        MazeFile.WriteCsv(path, mazes);
        Assert.That(MazeFile.ReadCsv(path).ToList(), Is.EqualTo(mazes));
        Directory.Delete(dir, true);
    }

    private static string ErrorOf(string question, string answer)
    {
        var text = $"{MazeFile.CsvHeader}\nsrc,{question},{answer},0\n";
        return Assert.Throws<PuzzleFormatException>(() => MazeFile.ReadCsv(new StringReader(text), "m.csv").ToList())!.Message;
    }

    [Test]
    public void ReadCsv_TwoStarts_NamesLineAndColumn()
    {
        string q = MazeTestData.Puzzle.Remove(24, 1).Insert(24, "S");
        string msg = ErrorOf(q, q);
        Assert.That(msg, Does.StartWith($"m.csv, line 2, column {5 + 24}:").And.Contain("a second 'S'"));
    }

    [Test]
    public void ReadCsv_TrimmedQuestion_ReportsLength()
    {
        string q = MazeTestData.Puzzle.TrimEnd();
        string msg = ErrorOf(q, MazeRules.Solve(MazeTestData.Puzzle, 6));
        Assert.That(msg, Does.StartWith("m.csv, line 2, column 5:").And.Contain("found 35 characters"));
    }

    [Test]
    public void ReadCsv_AnswerChangesAWall_NamesColumn()
    {
        string a = MazeRules.Solve(MazeTestData.Puzzle, 6);
        string bad = a.Remove(3, 1).Insert(3, "o");
        string msg = ErrorOf(MazeTestData.Puzzle, bad);
        Assert.That(msg, Does.StartWith($"m.csv, line 2, column {5 + 36 + 1 + 3}:").And.Contain("expected '#'"));
    }

    [Test]
    public void ReadCsv_AnswerNotShortest_IsRejectedUnlessPathCheckIsOff()
    {
        string a = MazeRules.Solve(MazeTestData.Puzzle, 6);
        string bad = a.Remove(5 * 6 + 5, 1).Insert(5 * 6 + 5, "o");
        string msg = ErrorOf(MazeTestData.Puzzle, bad);
        Assert.That(msg, Does.Contain("line 2").And.Contain("shortest S→G path of 14 moves"));
        var text = $"{MazeFile.CsvHeader}\nsrc,{MazeTestData.Puzzle},{bad},0\n";
        Assert.That(MazeFile.ReadCsv(new StringReader(text), "m.csv", 0, checkPath: false).Count(), Is.EqualTo(1));
    }

    [Test]
    public void ReadCsv_WrongFieldCount_NamesLine()
    {
        var text = $"{MazeFile.CsvHeader}\nsrc,{MazeTestData.Puzzle}\n";
        var e = Assert.Throws<PuzzleFormatException>(() => MazeFile.ReadCsv(new StringReader(text), "m.csv").ToList());
        Assert.That(e!.Message, Does.StartWith("m.csv, line 2, column 1:").And.Contain("found 2"));
    }
}
