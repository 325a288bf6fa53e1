using Microsoft.ML.Trm.Data;

namespace Microsoft.ML.Trm.Tests.Data;

public class MazeAugmentationTests
{
    [Test]
    public void AllDihedral_GeneratedMazes_PathStaysAShortestPath()
    {
        var mazes = MazeGenerator.Generate(new MazeGeneratorOptions { Size = 30 }, 8).Take(2).ToList();
        var all = MazeAugmentation.AllDihedral(mazes).ToList();
        Assert.That(all, Has.Count.EqualTo(16));
        for (int i = 0; i < all.Count; i++)
        {
            var m = all[i];
            Assert.That(MazeRules.FindProblem(m.Puzzle, 30).Problem, Is.Null);
            Assert.That(MazeRules.IsShortestPathSolution(m.Puzzle, m.Solution, 30), Is.True);
            Assert.That(MazeRules.ShortestPathLength(m.Puzzle, 30), Is.EqualTo((int)mazes[i / 8].Rating));
            Assert.That(m.Group, Is.EqualTo((i / 8).ToString()));
        }
        Assert.That(all.Take(8).Select(m => m.Puzzle).Distinct().Count(), Is.EqualTo(8));
    }

    [Test]
    public void Apply_ThenInverse_RestoresTheMaze()
    {
        var m = new PuzzleExample(MazeTestData.Puzzle, MazeRules.Solve(MazeTestData.Puzzle, 6));
        for (int id = 0; id < 8; id++)
            Assert.That(MazeAugmentation.Apply(MazeAugmentation.Apply(m, id), Dihedral.Inverse(id)), Is.EqualTo(m));
    }
}
