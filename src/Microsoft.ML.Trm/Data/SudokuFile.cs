using System.Globalization;
using System.Text;

namespace Microsoft.ML.Trm.Data;

/// <summary>
/// Reads and writes Sudoku files: the Sudoku-Extreme CSV layout (<c>source,question,answer,rating</c>, or
/// <c>difficulty</c> instead of <c>rating</c> as in sudoku-gen's seeds) and plain one-puzzle-per-line files.
/// Readers stream line by line and throw <see cref="PuzzleFormatException"/> naming file, line and column.
/// </summary>
public static class SudokuFile
{
    /// <summary>Header of the Sudoku-Extreme CSV layout.</summary>
    public const string CsvHeader = "source,question,answer,rating";

    /// <summary>Header of the sudoku-gen variant with a text difficulty column.</summary>
    public const string CsvHeaderWithDifficulty = "source,question,answer,difficulty";

    /// <summary>Reads a Sudoku CSV file lazily. <paramref name="size"/> 4 or 9, or 0 to infer it from each row.</summary>
    public static IEnumerable<PuzzleExample> ReadCsv(string path, int size = 0)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var reader = new StreamReader(path);
        foreach (var e in ReadCsv(reader, path, size)) yield return e;
    }

    /// <summary>Reads Sudoku CSV text lazily; <paramref name="fileName"/> is used in error messages.</summary>
    public static IEnumerable<PuzzleExample> ReadCsv(TextReader reader, string fileName = "<text>", int size = 0)
    {
        ArgumentNullException.ThrowIfNull(reader);
        string? header = reader.ReadLine();
        if (header == null) throw Error(fileName, 1, 1, $"expected the header '{CsvHeader}', found an empty file");
        bool difficulty = header == CsvHeaderWithDifficulty;
        if (!difficulty && header != CsvHeader)
            throw Error(fileName, 1, 1, $"expected the header '{CsvHeader}' or '{CsvHeaderWithDifficulty}', found '{header}'");
        int lineNumber = 1;
        for (string? line; (line = reader.ReadLine()) != null;)
        {
            lineNumber++;
            if (line.Length == 0) continue;
            var fields = line.Split(',');
            if (fields.Length != 4)
                throw Error(fileName, lineNumber, 1, $"expected 4 comma-separated fields (source,question,answer,{(difficulty ? "difficulty" : "rating")}), found {fields.Length}");
            int questionColumn = fields[0].Length + 2, answerColumn = questionColumn + fields[1].Length + 1, ratingColumn = answerColumn + fields[2].Length + 1;
            int n = CheckPuzzle(fields[1], size, fileName, lineNumber, questionColumn);
            CheckSolution(fields[1], fields[2], n, fileName, lineNumber, answerColumn);
            float rating = float.NaN;
            string? label = null;
            if (difficulty) label = fields[3];
            else if (fields[3].Length > 0 && !float.TryParse(fields[3], NumberStyles.Float, CultureInfo.InvariantCulture, out rating))
                throw Error(fileName, lineNumber, ratingColumn, $"expected a numeric rating, found '{fields[3]}'");
            yield return new PuzzleExample(fields[1], fields[2], 0, fields[0], rating) { Difficulty = label };
        }
    }

    /// <summary>
    /// Writes examples in the CSV layout that <see cref="ReadCsv(string, int)"/> reads back. With
    /// <paramref name="difficultyColumn"/> the last column is <see cref="PuzzleExample.Difficulty"/>, else the rating
    /// (empty when NaN).
    /// </summary>
    public static void WriteCsv(string path, IEnumerable<PuzzleExample> examples, bool difficultyColumn = false)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false));
        WriteCsv(writer, examples, difficultyColumn);
    }

    /// <summary>Writes examples in the CSV layout to a text writer; see <see cref="WriteCsv(string, IEnumerable{PuzzleExample}, bool)"/>.</summary>
    public static void WriteCsv(TextWriter writer, IEnumerable<PuzzleExample> examples, bool difficultyColumn = false)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(examples);
        writer.Write(difficultyColumn ? CsvHeaderWithDifficulty : CsvHeader);
        writer.Write('\n');
        foreach (var e in examples)
        {
            if (e.Source.Contains(',') || (e.Difficulty?.Contains(',') ?? false))
                throw new ArgumentException($"Source '{e.Source}' or difficulty '{e.Difficulty}' contains a comma; the CSV layout has no quoting.", nameof(examples));
            string last = difficultyColumn ? e.Difficulty ?? "" : float.IsNaN(e.Rating) ? "" : e.Rating.ToString("R", CultureInfo.InvariantCulture);
            writer.Write($"{e.Source},{e.Puzzle},{e.Solution},{last}\n");
        }
    }

    /// <summary>
    /// Reads a plain file lazily: one puzzle per line (16 or 81 characters, '.' or '0' blanks), optionally followed
    /// by one separator character (',', ';', ':', '|', space or tab) and the solution. Empty lines and lines starting
    /// with '#' are skipped. Examples get <paramref name="source"/> (default: the file name without extension).
    /// </summary>
    public static IEnumerable<PuzzleExample> ReadLines(string path, int size = 0, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var reader = new StreamReader(path);
        foreach (var e in ReadLines(reader, path, size, source ?? Path.GetFileNameWithoutExtension(path))) yield return e;
    }

    /// <summary>Reads plain one-puzzle-per-line text lazily; see <see cref="ReadLines(string, int, string?)"/>.</summary>
    public static IEnumerable<PuzzleExample> ReadLines(TextReader reader, string fileName = "<text>", int size = 0, string source = "")
    {
        ArgumentNullException.ThrowIfNull(reader);
        int lineNumber = 0;
        for (string? line; (line = reader.ReadLine()) != null;)
        {
            lineNumber++;
            string trimmed = line.TrimEnd();
            if (trimmed.Length == 0 || trimmed[0] == '#') continue;
            int n = size;
            if (n == 0) n = trimmed.Length >= 81 ? 9 : trimmed.Length >= 16 ? 4 : 0;
            if (n == 0) throw Error(fileName, lineNumber, 1, $"expected a 16- or 81-character puzzle, found {trimmed.Length} characters");
            int len = n * n;
            if (trimmed.Length < len)
                throw Error(fileName, lineNumber, 1, $"expected a {len}-character puzzle, found {trimmed.Length} characters");
            string puzzle = trimmed[..len];
            CheckPuzzle(puzzle, n, fileName, lineNumber, 1);
            string solution = "";
            if (trimmed.Length > len)
            {
                if (",;:| \t".IndexOf(trimmed[len]) < 0)
                    throw Error(fileName, lineNumber, len + 1, $"expected the end of the line or a separator (',', ';', ':', '|', space, tab) after the {len}-character puzzle, found '{trimmed[len]}'");
                solution = trimmed[(len + 1)..];
                CheckSolution(puzzle, solution, n, fileName, lineNumber, len + 2);
            }
            yield return new PuzzleExample(puzzle, solution, 0, source);
        }
    }

    /// <summary>Writes one puzzle per line, followed by ',' and the solution when it is not empty.</summary>
    public static void WriteLines(string path, IEnumerable<PuzzleExample> examples)
    {
        ArgumentNullException.ThrowIfNull(examples);
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false));
        foreach (var e in examples)
            writer.Write(e.Solution.Length == 0 ? $"{e.Puzzle}\n" : $"{e.Puzzle},{e.Solution}\n");
    }

    private static int CheckPuzzle(string puzzle, int size, string file, int line, int column)
    {
        int n = size == 0 ? SudokuRules.SizeOf(puzzle) : size;
        if (n == 0 || puzzle.Length != n * n)
            throw Error(file, line, column, size == 0
                ? $"expected a puzzle of 16 (4×4) or 81 (9×9) characters, found {puzzle.Length}"
                : $"expected a puzzle of {size * size} characters, found {puzzle.Length}");
        var (index, problem) = SudokuRules.FindConflictAt(puzzle, n);
        if (problem != null) throw Error(file, line, column + Math.Max(index, 0), problem);
        return n;
    }

    private static void CheckSolution(string puzzle, string solution, int n, string file, int line, int column)
    {
        if (solution.Length != n * n)
            throw Error(file, line, column, $"expected a solution of {n * n} characters, found {solution.Length}");
        for (int i = 0; i < solution.Length; i++)
        {
            if (SudokuRules.Digit(solution[i], n) <= 0)
                throw Error(file, line, column + i, $"expected a solution digit 1-{n}, found '{solution[i]}'");
            if (SudokuRules.Digit(puzzle[i], n) > 0 && puzzle[i] != solution[i])
                throw Error(file, line, column + i, $"the solution does not keep the given {puzzle[i]} at grid row {i / n + 1}, column {i % n + 1} (found {solution[i]})");
        }
        var (index, problem) = SudokuRules.FindConflictAt(solution, n);
        if (problem != null) throw Error(file, line, column + Math.Max(index, 0), "the solution is not a valid grid: " + problem.Replace("the givens conflict: ", ""));
    }

    internal static PuzzleFormatException Error(string file, int line, int column, string problem) =>
        new($"{file}, line {line}, column {column}: {problem}.");
}
