using System.Globalization;
using System.Text;

namespace Microsoft.ML.Trm.Data;

/// <summary>
/// Reads and writes the Maze-Hard CSV layout <c>source,question,answer,rating</c>: the question is the maze text
/// ('#', ' ', 'S', 'G'; exactly one S and one G), the answer the same text with 'o' on a shortest S→G path. Fields
/// are never trimmed: spaces are open cells.
/// </summary>
public static class MazeFile
{
    /// <summary>Header of the Maze-Hard CSV layout.</summary>
    public const string CsvHeader = "source,question,answer,rating";

    /// <summary>
    /// Reads a maze CSV file lazily. <paramref name="size"/> is the side (0: infer from each question's length);
    /// with <paramref name="checkPath"/> the answer must mark a shortest S→G path.
    /// </summary>
    public static IEnumerable<PuzzleExample> ReadCsv(string path, int size = 0, bool checkPath = true)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var reader = new StreamReader(path);
        foreach (var e in ReadCsv(reader, path, size, checkPath)) yield return e;
    }

    /// <summary>Reads maze CSV text lazily; <paramref name="fileName"/> is used in error messages.</summary>
    public static IEnumerable<PuzzleExample> ReadCsv(TextReader reader, string fileName = "<text>", int size = 0, bool checkPath = true)
    {
        ArgumentNullException.ThrowIfNull(reader);
        string? header = reader.ReadLine();
        if (header != CsvHeader)
            throw SudokuFile.Error(fileName, 1, 1, $"expected the header '{CsvHeader}', found {(header == null ? "an empty file" : $"'{header}'")}");
        int lineNumber = 1;
        for (string? line; (line = reader.ReadLine()) != null;)
        {
            lineNumber++;
            if (line.Length == 0) continue;
            var fields = line.Split(',');
            if (fields.Length != 4)
                throw SudokuFile.Error(fileName, lineNumber, 1, $"expected 4 comma-separated fields (source,question,answer,rating), found {fields.Length}");
            int qCol = fields[0].Length + 2, aCol = qCol + fields[1].Length + 1, rCol = aCol + fields[2].Length + 1;
            int n = size == 0 ? MazeRules.SizeOf(fields[1]) : size;
            if (n == 0)
                throw SudokuFile.Error(fileName, lineNumber, qCol, $"expected a square maze (e.g. 900 characters for 30×30), found {fields[1].Length} characters");
            var (qi, qp) = MazeRules.FindProblem(fields[1], n);
            if (qp != null) throw SudokuFile.Error(fileName, lineNumber, qCol + Math.Max(qi, 0), "question: " + qp);
            var (ai, ap) = checkPath ? MazeRules.FindSolutionProblem(fields[1], fields[2], n) : FindCharProblem(fields[1], fields[2], n);
            if (ap != null) throw SudokuFile.Error(fileName, lineNumber, aCol + Math.Max(ai, 0), "answer: " + ap);
            float rating = float.NaN;
            if (fields[3].Length > 0 && !float.TryParse(fields[3], NumberStyles.Float, CultureInfo.InvariantCulture, out rating))
                throw SudokuFile.Error(fileName, lineNumber, rCol, $"expected a numeric rating, found '{fields[3]}'");
            yield return new PuzzleExample(fields[1], fields[2], 0, fields[0], rating);
        }
    }

    /// <summary>Writes examples in the Maze-Hard CSV layout that <see cref="ReadCsv(string, int, bool)"/> reads back.</summary>
    public static void WriteCsv(string path, IEnumerable<PuzzleExample> examples)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false));
        WriteCsv(writer, examples);
    }

    /// <summary>Writes examples in the Maze-Hard CSV layout to a text writer.</summary>
    public static void WriteCsv(TextWriter writer, IEnumerable<PuzzleExample> examples)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(examples);
        writer.Write(CsvHeader);
        writer.Write('\n');
        foreach (var e in examples)
        {
            if (e.Source.Contains(',')) throw new ArgumentException($"Source '{e.Source}' contains a comma; the CSV layout has no quoting.", nameof(examples));
            string rating = float.IsNaN(e.Rating) ? "" : e.Rating.ToString("R", CultureInfo.InvariantCulture);
            writer.Write($"{e.Source},{e.Puzzle},{e.Solution},{rating}\n");
        }
    }

    private static (int, string?) FindCharProblem(string puzzle, string solution, int n)
    {
        if (solution.Length != puzzle.Length) return (-1, $"expected {puzzle.Length} characters, found {solution.Length}");
        for (int i = 0; i < solution.Length; i++)
            if (solution[i] != puzzle[i] && !(puzzle[i] == ' ' && solution[i] == 'o'))
                return (i, $"expected '{puzzle[i]}' at row {i / n + 1}, column {i % n + 1} as in the question, found '{solution[i]}'");
        return (-1, null);
    }
}
