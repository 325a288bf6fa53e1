using Microsoft.ML.Trm.Data;

namespace Microsoft.ML.Trm.Cli;

/// <summary>
/// Refuses puzzles that cannot have an answer before the model sees them (<c>trm solve</c>: exit 1; <c>trm serve</c>:
/// HTTP 400): Sudoku givens that repeat a digit in a row, column or box; mazes without exactly one S and one G, or
/// with no path between them. The text must already encode (<see cref="PuzzleCodec.Encode"/>).
/// </summary>
public static class PuzzleChecks
{
    /// <summary>One line naming the cells that contradict each other, or null when the puzzle is consistent.</summary>
    public static string? FindContradiction(PuzzleCodec codec, string puzzle) => codec switch
    {
        SudokuCodec s => SudokuRules.FindConflict(puzzle, s.Size),
        MazeCodec m => MazeProblem(puzzle, m.Size),
        _ => null,
    };

    private static string? MazeProblem(string maze, int size)
    {
        if (MazeRules.FindProblem(maze, size).Problem is { } problem) return "maze: " + problem + ".";
        if (MazeRules.ShortestPath(maze, size) is not null) return null;
        int s = maze.IndexOf('S'), g = maze.IndexOf('G');
        return $"maze: no path from S (row {s / size + 1}, column {s % size + 1}) to G (row {g / size + 1}, column {g % size + 1}): walls separate them.";
    }
}
