namespace Microsoft.ML.Trm.Data;

/// <summary>
/// Maze checks and the breadth-first-search solver. Mazes are square row-major text: '#' wall, ' ' open,
/// 'S' start, 'G' goal, 'o' path (solutions only). A path's length is its number of moves from S to G, so a path
/// of length L marks L − 1 cells 'o'.
/// </summary>
public static class MazeRules
{
    /// <summary>The side of a square maze from its text length, or 0 when the length is not a square.</summary>
    public static int SizeOf(string text)
    {
        int n = (int)Math.Round(Math.Sqrt(text.Length));
        return n * n == text.Length && n >= 2 ? n : 0;
    }

    /// <summary>
    /// Describes the first problem of a maze question (wrong length, characters other than '#', ' ', 'S', 'G',
    /// not exactly one S and one G) as (0-based index or −1, problem), or (−1, null) when it is well formed.
    /// </summary>
    public static (int Index, string? Problem) FindProblem(string text, int size)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length != size * size) return (-1, $"expected {size * size} characters ({size}×{size}), found {text.Length}");
        int s = -1, g = -1;
        for (int i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '#' or ' ': break;
                case 'S': if (s >= 0) return (i, $"a second 'S' at row {i / size + 1}, column {i % size + 1} (the first is at row {s / size + 1}, column {s % size + 1}); expected exactly one start"); s = i; break;
                case 'G': if (g >= 0) return (i, $"a second 'G' at row {i / size + 1}, column {i % size + 1} (the first is at row {g / size + 1}, column {g % size + 1}); expected exactly one goal"); g = i; break;
                default: return (i, $"expected '#', ' ', 'S' or 'G' at row {i / size + 1}, column {i % size + 1}, found '{text[i]}'");
            }
        }
        if (s < 0) return (-1, "expected exactly one start 'S', found none");
        if (g < 0) return (-1, "expected exactly one goal 'G', found none");
        return (-1, null);
    }

    /// <summary>
    /// The shortest S→G path as cell indices (S first, G last) by breadth-first search visiting neighbours in the
    /// order up, down, left, right; null when G cannot be reached. Every cell except '#' is passable.
    /// </summary>
    public static int[]? ShortestPath(string maze, int size)
    {
        int start = maze.IndexOf('S'), goal = maze.IndexOf('G');
        if (start < 0 || goal < 0) throw new PuzzleFormatException("maze: expected one 'S' and one 'G'.");
        var parent = Distances(maze, size, start, out _);
        if (parent[goal] == -1) return null;
        var path = new List<int>();
        for (int c = goal; c != start; c = parent[c]) path.Add(c);
        path.Add(start);
        path.Reverse();
        return path.ToArray();
    }

    /// <summary>The length (moves) of the shortest S→G path, or −1 when G cannot be reached.</summary>
    public static int ShortestPathLength(string maze, int size)
    {
        var path = ShortestPath(maze, size);
        return path == null ? -1 : path.Length - 1;
    }

    /// <summary>The solution text: the question with 'o' on the cells of <see cref="ShortestPath"/> between S and G.</summary>
    public static string Solve(string maze, int size)
    {
        var path = ShortestPath(maze, size) ?? throw new PuzzleFormatException("maze: the goal cannot be reached from the start.");
        var chars = maze.ToCharArray();
        for (int k = 1; k < path.Length - 1; k++) chars[path[k]] = 'o';
        return new string(chars);
    }

    /// <summary>
    /// True when <paramref name="solution"/> is <paramref name="puzzle"/> with ' ' turned into 'o' exactly on a
    /// shortest S→G path (any shortest path, not only the one <see cref="ShortestPath"/> picks).
    /// </summary>
    public static bool IsShortestPathSolution(string puzzle, string solution, int size) => FindSolutionProblem(puzzle, solution, size).Problem == null;

    /// <summary>The first problem of a solution as (0-based index or −1, problem), or (−1, null); see <see cref="IsShortestPathSolution"/>.</summary>
    public static (int Index, string? Problem) FindSolutionProblem(string puzzle, string solution, int size)
    {
        if (solution.Length != puzzle.Length) return (-1, $"expected {puzzle.Length} characters, found {solution.Length}");
        int marked = 0;
        for (int i = 0; i < solution.Length; i++)
        {
            if (solution[i] == puzzle[i]) continue;
            if (puzzle[i] == ' ' && solution[i] == 'o') { marked++; continue; }
            return (i, $"expected '{puzzle[i]}'{(puzzle[i] == ' ' ? " or 'o'" : "")} at row {i / size + 1}, column {i % size + 1} as in the question, found '{solution[i]}'");
        }
        int best = ShortestPathLength(puzzle, size);
        if (best < 0) return (-1, "the goal cannot be reached from the start");
        // Restrict the search to S, G and the marked cells: it must reach G in `best` moves using every marked cell.
        var restricted = new char[solution.Length];
        for (int i = 0; i < solution.Length; i++) restricted[i] = solution[i] is 'o' or 'S' or 'G' ? solution[i] : '#';
        int onPath = ShortestPathLength(new string(restricted), size);
        if (onPath != best || marked != best - 1)
            return (-1, $"the 'o' cells ({marked}) do not form a shortest S→G path of {best} moves");
        return (-1, null);
    }

    /// <summary>BFS distances from <paramref name="start"/> (−1 when unreachable) and parents (−1 unreached, start → itself).</summary>
    internal static int[] Distances(string maze, int size, int start, out int[] distance)
    {
        int nn = size * size;
        var parent = new int[nn];
        distance = new int[nn];
        Array.Fill(parent, -1);
        Array.Fill(distance, -1);
        var queue = new int[nn];
        int head = 0, tail = 0;
        queue[tail++] = start; parent[start] = start; distance[start] = 0;
        while (head < tail)
        {
            int c = queue[head++], r = c / size, col = c % size;
            for (int k = 0; k < 4; k++)
            {
                int nr = r + (k == 0 ? -1 : k == 1 ? 1 : 0), nc = col + (k == 2 ? -1 : k == 3 ? 1 : 0);
                if (nr < 0 || nr >= size || nc < 0 || nc >= size) continue;
                int next = nr * size + nc;
                if (parent[next] != -1 || maze[next] == '#') continue;
                parent[next] = c; distance[next] = distance[c] + 1;
                queue[tail++] = next;
            }
        }
        return parent;
    }
}
