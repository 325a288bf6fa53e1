using Microsoft.ML.Trm.Data;

namespace Microsoft.ML.Trm.Tests.Data;

public class SudokuGeneratorTests
{
    [TestCase(4, 6)]
    [TestCase(9, 30)]
    public void Generate_Puzzles_HaveAUniqueSolutionAndTheTargetGivens(int size, int givens)
    {
        var solver = new SudokuSolver(size);
        var options = new SudokuGeneratorOptions { Size = size, TargetGivens = givens };
        foreach (var p in SudokuGenerator.Generate(options, seed: 7).Take(size == 4 ? 20 : 5))
        {
            Assert.That(SudokuRules.IsValidSolution(p.Solution, size), Is.True);
            Assert.That(SudokuRules.KeepsGivens(p.Puzzle, p.Solution, size), Is.True);
            Assert.That(solver.CountSolutions(p.Puzzle), Is.EqualTo(1));
            Assert.That(solver.Solve(p.Puzzle), Is.EqualTo(p.Solution));
            Assert.That(SudokuRules.CountGivens(p.Puzzle, size), Is.EqualTo(givens));
            Assert.That(p.Rating, Is.EqualTo((float)solver.Backtracks(p.Puzzle)));
        }
    }

    [Test]
    public void Generate_SameSeed_SameStream_DifferentSeed_DifferentStream()
    {
        var options = new SudokuGeneratorOptions { TargetGivens = 32 };
        var a = SudokuGenerator.Generate(options, 1).Take(3).ToList();
        var b = SudokuGenerator.Generate(options, 1).Take(3).ToList();
        var c = SudokuGenerator.Generate(options, 2).Take(3).ToList();
        Assert.That(b, Is.EqualTo(a));
        Assert.That(c.Select(x => x.Puzzle), Is.Not.EqualTo(a.Select(x => x.Puzzle)));
    }

    [Test]
    public void Generate_MinBacktracks_OnlyYieldsPuzzlesAtLeastThatHard()
    {
        var options = new SudokuGeneratorOptions { TargetGivens = 22, MinBacktracks = 1 };
        var puzzles = SudokuGenerator.Generate(options, 3).Take(2).ToList();
        Assert.That(puzzles.All(p => p.Rating >= 1), Is.True);
    }
}
