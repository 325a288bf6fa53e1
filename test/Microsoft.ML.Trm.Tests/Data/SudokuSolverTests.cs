using Microsoft.ML.Trm.Data;

namespace Microsoft.ML.Trm.Tests.Data;

public class SudokuSolverTests
{
    [Test]
    public void Solve_FixturePuzzles_FindsTheGivenUniqueSolution()
    {
        var solver = new SudokuSolver(9);
        foreach (var row in SudokuFile.ReadCsv(Fixture.SudokuGenSeeds).Concat(SudokuFile.ReadCsv(Fixture.SeventeenClue)))
        {
            Assert.That(solver.Solve(row.Puzzle), Is.EqualTo(row.Solution));
            Assert.That(solver.CountSolutions(row.Puzzle), Is.EqualTo(1));
        }
    }

    [Test]
    public void Backtracks_SeventeenClue_MatchesTheRatingColumn()
    {
        // The file's rating was computed with the solver described in shared/data/README.md; this one follows it.
        var solver = new SudokuSolver(9);
        var rows = SudokuFile.ReadCsv(Fixture.SeventeenClue).ToList();
        var mine = rows.Select(r => (float)solver.Backtracks(r.Puzzle)).ToArray();
        Assert.That(mine, Is.EqualTo(rows.Select(r => r.Rating).ToArray()));
    }

    [Test]
    public void CountSolutions_TooFewGivens_StopsAtTwo()
    {
        var solver = new SudokuSolver(9);
        Assert.That(solver.CountSolutions(new string('.', 81)), Is.EqualTo(2));
        Assert.That(solver.CountSolutions(new string('.', 81), 5), Is.EqualTo(5));
    }

    [Test]
    public void Solve_ContradictoryPuzzle_ReturnsNull()
    {
        var solver = new SudokuSolver(4);
        Assert.That(solver.Solve("11.............."), Is.Null);
        Assert.That(solver.CountSolutions("11.............."), Is.EqualTo(0));
        // Cell (1,4) has no candidate: row 1 holds 1,2,3 and column 4 holds 4.
        Assert.That(solver.Solve("123....4........"), Is.Null);
    }

    [Test]
    public void Solve_FourByFour_ReturnsValidGrid()
    {
        var solver = new SudokuSolver(4);
        string? s = solver.Solve("12....122......1");
        Assert.That(s, Is.Not.Null);
        Assert.That(SudokuRules.IsValidSolution(s!, 4), Is.True);
        Assert.That(SudokuRules.KeepsGivens("12....122......1", s!, 4), Is.True);
    }
}
