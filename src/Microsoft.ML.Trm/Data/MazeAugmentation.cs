namespace Microsoft.ML.Trm.Data;

/// <summary>Dihedral augmentation of mazes (the reference's <c>--aug</c> flag of build_maze_dataset.py).</summary>
internal static class MazeAugmentation
{
    /// <summary>Applies dihedral transform <paramref name="dihedralId"/> (0-7) to a maze example's puzzle and solution.</summary>
    public static PuzzleExample Apply(PuzzleExample example, int dihedralId)
    {
        ArgumentNullException.ThrowIfNull(example);
        int n = MazeRules.SizeOf(example.Puzzle);
        if (n == 0) throw new PuzzleFormatException($"maze: expected a square maze, found {example.Puzzle.Length} characters.");
        return example with
        {
            Puzzle = Dihedral.Apply(example.Puzzle, n, dihedralId),
            Solution = example.Solution.Length == 0 ? "" : Dihedral.Apply(example.Solution, n, dihedralId),
            PuzzleTokens = null,
            SolutionTokens = null,
        };
    }

    /// <summary>Each maze followed lazily by its 7 other dihedral transforms (8 per group, ids 0-7 in order).</summary>
    public static IEnumerable<PuzzleExample> AllDihedral(IEnumerable<PuzzleExample> mazes)
    {
        ArgumentNullException.ThrowIfNull(mazes);
        int index = 0;
        foreach (var m in mazes)
        {
            var original = m with { Group = m.Group ?? index.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            for (int id = 0; id < Dihedral.Count; id++) yield return Apply(original, id);
            index++;
        }
    }
}
