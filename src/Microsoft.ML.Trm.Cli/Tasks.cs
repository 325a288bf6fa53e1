using System.Text;
using Microsoft.ML.Trm.Data;

namespace Microsoft.ML.Trm.Cli;

/// <summary>A loaded dataset: examples with tokens, plus (for ARC) each row's test index and the tasks to score against.</summary>
public sealed record LoadedData(string Task, PuzzleCodec Codec, IReadOnlyList<PuzzleExample> Examples, IReadOnlyList<int>? TestIndices = null, IReadOnlyList<ArcTask>? ArcTasks = null);

/// <summary>The three task families and their files.</summary>
public static class Tasks
{
    public static readonly string[] Names = { "sudoku", "maze", "arc" };

    /// <summary>The ARC CSV written by <c>trm generate arc</c>.</summary>
    public const string ArcCsvHeader = "split,source,task,variant,puzzle_id,test_index,question,answer,question_tokens,answer_tokens";
    private const string TokenChars = "0123456789ab";

    public static string CheckName(string task) => Names.Contains(task)
        ? task : throw new UsageException($"unknown task '{task}': use sudoku, maze or arc.");

    /// <summary>Reads a task's file. Sudoku and maze: the CSV layouts of docs/puzzle-formats.md (size detected). ARC: a folder or CSV of <c>trm generate arc</c>.</summary>
    public static LoadedData Load(string task, string path, ArcSplit arcSplit = ArcSplit.Train)
    {
        switch (task)
        {
            case "sudoku":
            {
                RequireFile(path);
                var list = SudokuFile.ReadCsv(path).ToList();
                if (list.Count == 0) throw new CliException($"{path}: no puzzles.");
                int size = SudokuRules.SizeOf(list[0].Puzzle);
                int other = list.FindIndex(e => SudokuRules.SizeOf(e.Puzzle) != size);
                if (other >= 0) throw new CliException($"{path}, row {other + 2}: a {SudokuRules.SizeOf(list[other].Puzzle)}×{SudokuRules.SizeOf(list[other].Puzzle)} puzzle among {size}×{size} ones.");
                return new LoadedData(task, new SudokuCodec(size), list);
            }
            case "maze":
            {
                RequireFile(path);
                var list = MazeFile.ReadCsv(path).ToList();
                if (list.Count == 0) throw new CliException($"{path}: no mazes.");
                int size = MazeRules.SizeOf(list[0].Puzzle);
                return new LoadedData(task, new MazeCodec(size), list);
            }
            case "arc":
            {
                string csv = path;
                if (Directory.Exists(path)) csv = Path.Combine(path, arcSplit == ArcSplit.Train ? "train.csv" : "test.csv");
                RequireFile(csv);
                var (examples, indices) = ReadArcCsv(csv, arcSplit);
                string tasksDir = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(csv))!, "tasks");
                var tasks = Directory.Exists(tasksDir) ? ArcFile.ReadFolder(tasksDir).ToList() : null;
                return new LoadedData(task, new ArcCodec(), examples, indices, tasks);
            }
            default: throw new UsageException($"unknown task '{task}': use sudoku, maze or arc.");
        }
    }

    private static void RequireFile(string path)
    {
        if (!File.Exists(path)) throw new CliException($"{path}: file not found.");
    }

    /// <summary>Writes ARC examples as CSV (tokens as one character per token, '0'-'9','a','b').</summary>
    public static void WriteArcCsv(TextWriter w, IEnumerable<ArcDatasetExample> examples)
    {
        w.WriteLine(ArcCsvHeader);
        foreach (var e in examples)
        {
            var x = e.Example;
            w.Write(e.Split == ArcSplit.Train ? "train" : "test"); w.Write(',');
            w.Write(x.Source); w.Write(','); w.Write(x.Group); w.Write(','); w.Write(x.Name); w.Write(',');
            w.Write(x.PuzzleId); w.Write(','); w.Write(e.TestIndex); w.Write(',');
            w.Write(x.Puzzle); w.Write(','); w.Write(x.Solution); w.Write(',');
            w.Write(Tokens(x.PuzzleTokens!)); w.Write(','); w.WriteLine(Tokens(x.SolutionTokens!));
        }
    }

    private static string Tokens(int[] t)
    {
        var sb = new StringBuilder(t.Length);
        foreach (int v in t) sb.Append(TokenChars[v]);
        return sb.ToString();
    }

    private static (List<PuzzleExample>, List<int>) ReadArcCsv(string path, ArcSplit split)
    {
        var examples = new List<PuzzleExample>();
        var indices = new List<int>();
        using var reader = new StreamReader(path);
        string? header = reader.ReadLine();
        if (header != ArcCsvHeader) throw new CliException($"{path}, row 1: expected the header '{ArcCsvHeader}' (a file of 'trm generate arc').");
        int row = 1;
        string wanted = split == ArcSplit.Train ? "train" : "test";
        for (string? line; (line = reader.ReadLine()) != null;)
        {
            row++;
            if (line.Length == 0) continue;
            var f = line.Split(',');
            if (f.Length != 10) throw new CliException($"{path}, row {row}: expected 10 comma-separated fields, found {f.Length}.");
            if (f[0] != wanted) continue;
            if (!int.TryParse(f[4], out int id) || id < 0) throw new CliException($"{path}, row {row}: puzzle_id '{f[4]}' is not a non-negative integer.");
            if (!int.TryParse(f[5], out int testIndex)) throw new CliException($"{path}, row {row}: test_index '{f[5]}' is not an integer.");
            examples.Add(new PuzzleExample(f[6], f[7], id, f[1])
            {
                Group = f[2], Name = f[3],
                PuzzleTokens = ParseTokens(f[8], path, row, "question_tokens"),
                SolutionTokens = ParseTokens(f[9], path, row, "answer_tokens"),
            });
            indices.Add(testIndex);
        }
        if (examples.Count == 0) throw new CliException($"{path}: no '{wanted}' rows.");
        return (examples, indices);
    }

    private static int[] ParseTokens(string text, string path, int row, string column)
    {
        if (text.Length != ArcCodec.CanvasSize * ArcCodec.CanvasSize)
            throw new CliException($"{path}, row {row}: {column} has {text.Length} tokens; expected {ArcCodec.CanvasSize * ArcCodec.CanvasSize}.");
        var t = new int[text.Length];
        for (int i = 0; i < text.Length; i++)
        {
            int k = TokenChars.IndexOf(text[i]);
            if (k < 0) throw new CliException($"{path}, row {row}: {column} has '{text[i]}' at position {i}; expected 0-9, a or b.");
            t[i] = k;
        }
        return t;
    }
}

/// <summary>A failure with a message fit for the user (file, row, what is wrong): exit code 1, no stack trace.</summary>
public sealed class CliException(string message, Exception? inner = null) : Exception(message, inner);
