namespace Microsoft.ML.Trm.Data;

/// <summary>Settings of <see cref="MazeGenerator"/>.</summary>
public sealed record MazeGeneratorOptions
{
    /// <summary>Side of the maze (2 to 30; Maze-Hard uses 30).</summary>
    public int Size { get; init; } = 30;

    /// <summary>
    /// Mazes are kept only when the shortest S→G path is longer than this many moves; null means the Maze-Hard
    /// rule scaled by area: 110 at 30×30, round(110 · (size / 30)²) otherwise (see <see cref="DefaultMinPathLength"/>).
    /// </summary>
    public int? MinPathLength { get; init; }

    /// <summary>Probability of removing each wall that separates two open cells after carving (adds loops).</summary>
    public double ExtraOpeningProbability { get; init; } = 0.05;

    /// <summary>Value of <see cref="PuzzleExample.Source"/>.</summary>
    public string Source { get; init; } = "generated";

    /// <summary>The default threshold for a size: 110 at 30×30, scaled by area for smaller mazes.</summary>
    public static int DefaultMinPathLength(int size) => (int)Math.Round(110.0 * size * size / 900.0);
}

/// <summary>
/// Generates mazes: a random depth-first (perfect) maze carved on the odd cells, a few extra walls removed, then
/// S and G placed far apart (G drawn among cells farther than the threshold from S). Kept only when the BFS
/// shortest path is longer than <see cref="MazeGeneratorOptions.MinPathLength"/>; the solution marks that path
/// (<see cref="MazeRules.Solve"/>). Rating = path length in moves. Deterministic per seed.
/// </summary>
public static class MazeGenerator
{
    /// <summary>An endless, lazily generated stream of mazes (take as many as needed).</summary>
    public static IEnumerable<PuzzleExample> Generate(MazeGeneratorOptions options, int seed)
    {
        ArgumentNullException.ThrowIfNull(options);
        int n = options.Size;
        if (n < 3 || n > 30) throw new ArgumentOutOfRangeException(nameof(options), n, "Maze size must be between 3 and 30.");
        int threshold = options.MinPathLength ?? MazeGeneratorOptions.DefaultMinPathLength(n);
        var rng = new Random(seed);
        var grid = new char[n * n];
        var stack = new int[n * n];
        var far = new List<int>();
        var dirs = new int[] { 0, 1, 2, 3 };
        int failures = 0;
        while (true)
        {
            Carve(grid, n, stack, dirs, rng);
            OpenExtraWalls(grid, n, options.ExtraOpeningProbability, rng);
            // S: a random open cell, moved to the far end of a double BFS sweep when it is too central.
            string open = new(grid);
            int s = RandomOpenCell(grid, rng);
            MazeRules.Distances(open, n, s, out var dist);
            if (dist.Max() <= threshold) { s = Array.IndexOf(dist, dist.Max()); MazeRules.Distances(open, n, s, out dist); }
            far.Clear();
            for (int i = 0; i < dist.Length; i++) if (dist[i] > threshold) far.Add(i);
            if (far.Count == 0)
            {
                if (++failures > 1000) throw new InvalidOperationException($"No {n}×{n} maze with a path longer than {threshold} after 1000 tries; lower MinPathLength.");
                continue;
            }
            failures = 0;
            int g = far[rng.Next(far.Count)];
            grid[s] = 'S'; grid[g] = 'G';
            string puzzle = new(grid);
            yield return new PuzzleExample(puzzle, MazeRules.Solve(puzzle, n), 0, options.Source, dist[g]);
        }
    }

    // A perfect maze: random depth-first search over the cells with odd row and column.
    private static void Carve(char[] grid, int n, int[] stack, int[] dirs, Random rng)
    {
        Array.Fill(grid, '#');
        int start = (1 + 2 * rng.Next((n - 1) / 2)) * n + 1 + 2 * rng.Next((n - 1) / 2);
        int top = 0;
        stack[top++] = start; grid[start] = ' ';
        while (top > 0)
        {
            int c = stack[top - 1], r = c / n, col = c % n;
            rng.Shuffle(dirs);
            bool moved = false;
            foreach (int d in dirs)
            {
                int dr = d == 0 ? -2 : d == 1 ? 2 : 0, dc = d == 2 ? -2 : d == 3 ? 2 : 0;
                int nr = r + dr, nc = col + dc;
                if (nr < 1 || nr >= n || nc < 1 || nc >= n || grid[nr * n + nc] != '#') continue;
                grid[(r + dr / 2) * n + col + dc / 2] = ' ';
                grid[nr * n + nc] = ' ';
                stack[top++] = nr * n + nc;
                moved = true;
                break;
            }
            if (!moved) top--;
        }
    }

    // Loops: each wall between two open cells (in a row or a column) is removed with probability p.
    private static void OpenExtraWalls(char[] grid, int n, double p, Random rng)
    {
        for (int i = 0; i < grid.Length; i++)
        {
            if (grid[i] != '#') continue;
            int r = i / n, c = i % n;
            bool horizontal = c > 0 && c < n - 1 && grid[i - 1] == ' ' && grid[i + 1] == ' ';
            bool vertical = r > 0 && r < n - 1 && grid[i - n] == ' ' && grid[i + n] == ' ';
            if ((horizontal || vertical) && rng.NextDouble() < p) grid[i] = ' ';
        }
    }

    private static int RandomOpenCell(char[] grid, Random rng)
    {
        while (true)
        {
            int i = rng.Next(grid.Length);
            if (grid[i] == ' ') return i;
        }
    }
}
