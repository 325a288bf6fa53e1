using Microsoft.ML.Trm.Data;

namespace Microsoft.ML.Trm.Tests.Data;

public class SudokuFileTests
{
    private const string Puzzle = "7..4..316...7....99.6..87.22.9154873..1637..4.7.2.....6.4..123...2......3..8.2691";
    private const string Answer = "728495316135726489946318752269154873581637924473289165694571238812963547357842691";

    [Test]
    public void ReadCsv_SudokuGenSeeds_ReadsDifficultyLabels()
    {
        var rows = SudokuFile.ReadCsv(Fixture.SudokuGenSeeds).ToList();
        Assert.That(rows, Has.Count.EqualTo(11));
        Assert.That(rows[0].Puzzle, Is.EqualTo(Puzzle));
        Assert.That(rows[0].Solution, Is.EqualTo(Answer));
        Assert.That(rows[0].Difficulty, Is.EqualTo("easy"));
        Assert.That(rows[^1].Difficulty, Is.EqualTo("expert"));
        Assert.That(rows[0].Source, Is.EqualTo("sudoku-gen-1.0.2-seeds"));
        Assert.That(float.IsNaN(rows[0].Rating), Is.True);
    }

    [Test]
    public void ReadCsv_SeventeenClue_ReadsNumericRatings()
    {
        var rows = SudokuFile.ReadCsv(Fixture.SeventeenClue).ToList();
        Assert.That(rows, Has.Count.EqualTo(12));
        Assert.That(rows[0].Rating, Is.EqualTo(49f));
        Assert.That(rows.All(r => SudokuRules.CountGivens(r.Puzzle, 9) == 17), Is.True);
    }

    [TestCase(false)]
    [TestCase(true)]
    public void WriteCsv_ThenReadCsv_RoundTrips(bool difficulty)
    {
        var rows = SudokuFile.ReadCsv(difficulty ? Fixture.SudokuGenSeeds : Fixture.SeventeenClue).ToList();
        var dir = Fixture.TempDirectory();
        var path = Path.Combine(dir, "out.csv");
        SudokuFile.WriteCsv(path, rows, difficulty);
        var back = SudokuFile.ReadCsv(path).ToList();
        Assert.That(back, Is.EqualTo(rows));
        Directory.Delete(dir, true);
    }

    [Test]
    public void WriteCsv_SeventeenClue_ReproducesTheFileBytes()
    {
        var rows = SudokuFile.ReadCsv(Fixture.SeventeenClue).ToList();
        var writer = new StringWriter();
        SudokuFile.WriteCsv(writer, rows);
        Assert.That(writer.ToString(), Is.EqualTo(File.ReadAllText(Fixture.SeventeenClue)));
    }

    [Test]
    public void WriteLines_ThenReadLines_RoundTripsBothSizes()
    {
        var rows = new[]
        {
            new PuzzleExample(Puzzle, Answer, 0, "x"),
            new PuzzleExample("1.3..4.2.1.4.2..", "", 0, "x"),
        };
        var text = new StringWriter();
        foreach (var r in rows) text.Write(r.Solution.Length == 0 ? $"{r.Puzzle}\n" : $"{r.Puzzle},{r.Solution}\n");
        var back = SudokuFile.ReadLines(new StringReader(text.ToString()), "mem", 0, "x").ToList();
        Assert.That(back, Is.EqualTo(rows));

        var dir = Fixture.TempDirectory();
        var path = Path.Combine(dir, "x.txt");
        SudokuFile.WriteLines(path, rows);
        Assert.That(SudokuFile.ReadLines(path).ToList(), Is.EqualTo(rows));
        Directory.Delete(dir, true);
    }

    [Test]
    public void ReadLines_ZeroBlanksCommentsAndTabSeparator_AreAccepted()
    {
        string zeros = Puzzle.Replace('.', '0');
        var text = $"# comment\n\n{zeros}\t{Answer}\n";
        var rows = SudokuFile.ReadLines(new StringReader(text)).ToList();
        Assert.That(rows, Has.Count.EqualTo(1));
        Assert.That(rows[0].Puzzle, Is.EqualTo(zeros));
        Assert.That(rows[0].Solution, Is.EqualTo(Answer));
    }

    private static string ErrorOf(string csvBody, bool difficulty = false)
    {
        var text = (difficulty ? SudokuFile.CsvHeaderWithDifficulty : SudokuFile.CsvHeader) + "\n" + csvBody;
        var e = Assert.Throws<PuzzleFormatException>(() => SudokuFile.ReadCsv(new StringReader(text), "bad.csv").ToList());
        return e!.Message;
    }

    [Test]
    public void ReadCsv_WrongFieldCount_NamesLine()
    {
        string msg = ErrorOf($"s,{Puzzle},{Answer},1\ns,{Puzzle},{Answer}\n");
        Assert.That(msg, Does.StartWith("bad.csv, line 3, column 1:"));
        Assert.That(msg, Does.Contain("expected 4 comma-separated fields").And.Contain("found 3"));
    }

    [Test]
    public void ReadCsv_WrongLength_NamesLineAndColumn()
    {
        string msg = ErrorOf($"src,{Puzzle[..80]},{Answer},1\n");
        Assert.That(msg, Does.StartWith("bad.csv, line 2, column 5:"));
        Assert.That(msg, Does.Contain("81").And.Contain("found 80"));
    }

    [Test]
    public void ReadCsv_CharacterOutsideFormat_NamesColumnOfTheCharacter()
    {
        string bad = "x" + Puzzle[1..];
        string msg = ErrorOf($"src,{bad},{Answer},1\n");
        Assert.That(msg, Does.StartWith("bad.csv, line 2, column 5:"));
        Assert.That(msg, Does.Contain("found 'x'"));
    }

    [Test]
    public void ReadCsv_ConflictingGivens_NamesCellAndUnit()
    {
        // Put a second 7 in row 1 (cell 2).
        string bad = "77." + Puzzle[3..];
        string msg = ErrorOf($"s,{bad},{Answer},1\n");
        Assert.That(msg, Does.StartWith("bad.csv, line 2, column 4:"));
        Assert.That(msg, Does.Contain("digit 7 at grid row 1, column 2 repeats in row 1"));
    }

    [Test]
    public void ReadCsv_SolutionThatDropsAGiven_NamesColumn()
    {
        string bad = "8" + Answer[1..];
        string msg = ErrorOf($"s,{Puzzle},{bad},1\n");
        Assert.That(msg, Does.StartWith($"bad.csv, line 2, column {2 + 1 + 81 + 1}:"));
        Assert.That(msg, Does.Contain("does not keep the given 7"));
    }

    [Test]
    public void ReadCsv_InvalidSolutionGrid_IsRejected()
    {
        // Swap two cells of a blank-only region so the givens are kept but a column breaks.
        var chars = Answer.ToCharArray();
        (chars[1], chars[2]) = (chars[2], chars[1]); // row 1 cells 2,3 are blanks in the puzzle
        string msg = ErrorOf($"s,{Puzzle},{new string(chars)},1\n");
        Assert.That(msg, Does.Contain("line 2, column").And.Contain("not a valid grid"));
    }

    [Test]
    public void ReadCsv_BadHeaderOrRating_NamesLine1OrColumn()
    {
        var e = Assert.Throws<PuzzleFormatException>(() => SudokuFile.ReadCsv(new StringReader("a,b,c\n"), "h.csv").ToList());
        Assert.That(e!.Message, Does.StartWith("h.csv, line 1, column 1:"));
        string msg = ErrorOf($"s,{Puzzle},{Answer},hard\n");
        Assert.That(msg, Does.StartWith($"bad.csv, line 2, column {2 + 82 + 82 + 1}:").And.Contain("numeric rating"));
    }

    [Test]
    public void ReadLines_Streams_ErrorOnlyWhenTheBadLineIsReached()
    {
        var text = $"{Puzzle}\n{Puzzle}\nnot a puzzle\n";
        using var rows = SudokuFile.ReadLines(new StringReader(text), "p.txt").GetEnumerator();
        Assert.That(rows.MoveNext() && rows.MoveNext(), Is.True);
        Assert.That(rows.Current.Puzzle, Is.EqualTo(Puzzle));
        var e = Assert.Throws<PuzzleFormatException>(() => rows.MoveNext());
        Assert.That(e!.Message, Does.StartWith("p.txt, line 3, column 1:"));
    }
}
