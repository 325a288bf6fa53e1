using Microsoft.ML.Trm.Data;

namespace Microsoft.ML.Trm.Tests.Data;

public class MazeGeneratorTests
{
    [Test]
    public void Generate_ThirtyByThirtyHard_PathLongerThan110AndBfsLabel()
    {
        foreach (var m in MazeGenerator.Generate(new MazeGeneratorOptions(), seed: 1).Take(3))
        {
            Assert.That(m.Puzzle, Has.Length.EqualTo(900));
            Assert.That(MazeRules.FindProblem(m.Puzzle, 30).Problem, Is.Null);
            int length = MazeRules.ShortestPathLength(m.Puzzle, 30);
            Assert.That(length, Is.GreaterThan(110));
            Assert.That(m.Rating, Is.EqualTo((float)length));
            Assert.That(m.Solution, Is.EqualTo(MazeRules.Solve(m.Puzzle, 30)));
            Assert.That(m.Solution.Count(c => c == 'o'), Is.EqualTo(length - 1));
            Assert.That(MazeRules.IsShortestPathSolution(m.Puzzle, m.Solution, 30), Is.True);
        }
    }

    [Test]
    public void Generate_SmallSize_UsesScaledThresholdOrOption()
    {
        Assert.That(MazeGeneratorOptions.DefaultMinPathLength(30), Is.EqualTo(110));
        Assert.That(MazeGeneratorOptions.DefaultMinPathLength(10), Is.EqualTo(12));
        foreach (var m in MazeGenerator.Generate(new MazeGeneratorOptions { Size = 10 }, 4).Take(20))
            Assert.That(MazeRules.ShortestPathLength(m.Puzzle, 10), Is.GreaterThan(12));
        foreach (var m in MazeGenerator.Generate(new MazeGeneratorOptions { Size = 12, MinPathLength = 30 }, 4).Take(10))
            Assert.That(MazeRules.ShortestPathLength(m.Puzzle, 12), Is.GreaterThan(30));
    }

    [Test]
    public void Generate_SameSeed_IsDeterministic()
    {
        var o = new MazeGeneratorOptions { Size = 15 };
        var a = MazeGenerator.Generate(o, 3).Take(5).ToList();
        Assert.That(MazeGenerator.Generate(o, 3).Take(5).ToList(), Is.EqualTo(a));
        Assert.That(MazeGenerator.Generate(o, 4).Take(5).Select(x => x.Puzzle), Is.Not.EqualTo(a.Select(x => x.Puzzle)));
    }
}
