using Microsoft.ML.Trm.Data;

namespace Microsoft.ML.Trm.Tests.Data;

public class MazeRulesTests
{
    [Test]
    public void Solve_SmallMaze_MarksTheBfsPathWithUpDownLeftRightOrder()
    {
        string solution = MazeRules.Solve(MazeTestData.Puzzle, 6);
        Assert.That(solution, Is.EqualTo("Soo# #" + "##o#  " + "ooo#G " + "o###o#" + "ooooo " + "##### "));
        Assert.That(MazeRules.ShortestPathLength(MazeTestData.Puzzle, 6), Is.EqualTo(14));
        Assert.That(MazeRules.IsShortestPathSolution(MazeTestData.Puzzle, solution, 6), Is.True);
        Assert.That(solution.Replace('o', ' '), Is.EqualTo(MazeTestData.Puzzle));
    }

    [Test]
    public void IsShortestPathSolution_DetourOrGap_IsFalse()
    {
        string solution = MazeRules.Solve(MazeTestData.Puzzle, 6);
        int first = solution.IndexOf('o');
        string gap = solution.Remove(first, 1).Insert(first, " ");
        Assert.That(MazeRules.IsShortestPathSolution(MazeTestData.Puzzle, gap, 6), Is.False);
        int open = solution.IndexOf(' ');
        string extra = solution.Remove(open, 1).Insert(open, "o");
        Assert.That(MazeRules.IsShortestPathSolution(MazeTestData.Puzzle, extra, 6), Is.False);
    }

    [TestCase("S  # #" + "## #  " + "   #G " + " ### #" + "      " + "##### ", null)]
    [TestCase("S  # #" + "## #  " + "   #G " + " ### #" + "   S  " + "##### ", "a second 'S' at row 5, column 4")]
    [TestCase("   # #" + "## #  " + "   #G " + " ### #" + "      " + "##### ", "found none")]
    [TestCase("S  # #" + "## #  " + "   #G " + " ### #" + "  x   " + "##### ", "found 'x'")]
    public void FindProblem_Questions_DescribesTheProblem(string maze, string? expected)
    {
        var (_, problem) = MazeRules.FindProblem(maze, 6);
        if (expected == null) Assert.That(problem, Is.Null);
        else Assert.That(problem, Does.Contain(expected));
    }
}
