using Microsoft.ML;
using Microsoft.ML.Data;

namespace Microsoft.ML.Trm.Data;

/// <summary>
/// Puzzle datasets as ML.NET <see cref="IDataView"/>s with the columns <c>Puzzle</c> (text), <c>Solution</c>
/// (text), <c>PuzzleTokens</c> and <c>SolutionTokens</c> (Vector&lt;Int32&gt; of the codec's
/// <see cref="PuzzleCodec.SequenceLength"/>), <c>PuzzleId</c> (Int32), <c>Source</c> (text), <c>Rating</c>
/// (Single) and <c>Group</c> (text: <see cref="PuzzleExample.Group"/>, empty when none). Views are lazy: every cursor enumerates the examples again and encodes them on the fly.
/// </summary>
public static class PuzzleDataViews
{
    /// <summary>Column names.</summary>
    public static class Columns
    {
        /// <summary>Puzzle text.</summary>
        public const string Puzzle = "Puzzle";

        /// <summary>Solution text.</summary>
        public const string Solution = "Solution";

        /// <summary>Input tokens.</summary>
        public const string PuzzleTokens = "PuzzleTokens";

        /// <summary>Label tokens.</summary>
        public const string SolutionTokens = "SolutionTokens";

        /// <summary>Puzzle identifier.</summary>
        public const string PuzzleId = "PuzzleId";

        /// <summary>Collection name.</summary>
        public const string Source = "Source";

        /// <summary>Difficulty rating (NaN when unknown).</summary>
        public const string Rating = "Rating";

        /// <summary>Group key (original puzzle or ARC task; empty when none), for <see cref="TrmOptions.GroupColumnName"/>.</summary>
        public const string Group = "Group";
    }

    /// <summary>
    /// A lazy view over re-enumerable examples. Tokens come from <see cref="PuzzleExample.PuzzleTokens"/> /
    /// <see cref="PuzzleExample.SolutionTokens"/> when set, otherwise from <paramref name="codec"/>; an empty solution
    /// gives all-PAD label tokens.
    /// </summary>
    public static IDataView FromExamples(MLContext mlContext, IEnumerable<PuzzleExample> examples, PuzzleCodec codec)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(codec);
        int n = codec.SequenceLength;
        var schema = SchemaDefinition.Create(typeof(PuzzleRow));
        schema[Columns.PuzzleTokens].ColumnType = new VectorDataViewType(NumberDataViewType.Int32, n);
        schema[Columns.SolutionTokens].ColumnType = new VectorDataViewType(NumberDataViewType.Int32, n);
        return mlContext.Data.LoadFromEnumerable(examples.Select(e => ToRow(e, codec)), schema);
    }

    /// <summary>
    /// Reads a CSV file in the layout of the codec's family (<see cref="SudokuFile.ReadCsv(string, int)"/> or
    /// <see cref="MazeFile.ReadCsv(string, int, bool)"/>) lazily as a view; the file is re-read by every cursor.
    /// </summary>
    public static IDataView FromCsv(MLContext mlContext, string path, PuzzleCodec codec)
    {
        ArgumentNullException.ThrowIfNull(codec);
        IEnumerable<PuzzleExample> examples = codec switch
        {
            SudokuCodec s => SudokuFile.ReadCsv(path, s.Size),
            MazeCodec m => MazeFile.ReadCsv(path, m.Size),
            _ => throw new ArgumentException($"No CSV layout for codec '{codec.Id}'; ARC tasks are read with ArcFile.", nameof(codec)),
        };
        return FromExamples(mlContext, examples, codec);
    }

    /// <summary>Writes examples in the CSV layout of the codec's family (Sudoku or Maze), readable by <see cref="FromCsv"/>.</summary>
    public static void WriteCsv(string path, IEnumerable<PuzzleExample> examples, PuzzleCodec codec)
    {
        ArgumentNullException.ThrowIfNull(codec);
        switch (codec)
        {
            case SudokuCodec: SudokuFile.WriteCsv(path, examples); break;
            case MazeCodec: MazeFile.WriteCsv(path, examples); break;
            default: throw new ArgumentException($"No CSV layout for codec '{codec.Id}'; ARC tasks are written with ArcFile.", nameof(codec));
        }
    }

    /// <summary>Writes the text columns of a view (e.g. a filtered or shuffled one) in the codec family's CSV layout.</summary>
    public static void WriteCsv(string path, IDataView view, PuzzleCodec codec) => WriteCsv(path, ToExamples(view), codec);

    /// <summary>Reads the examples back from a view with this class's columns (lazily).</summary>
    public static IEnumerable<PuzzleExample> ToExamples(IDataView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var puzzle = view.Schema[Columns.Puzzle];
        var solution = view.Schema[Columns.Solution];
        var id = view.Schema[Columns.PuzzleId];
        var source = view.Schema[Columns.Source];
        var rating = view.Schema[Columns.Rating];
        using var cursor = view.GetRowCursor(new[] { puzzle, solution, id, source, rating });
        var getPuzzle = cursor.GetGetter<ReadOnlyMemory<char>>(puzzle);
        var getSolution = cursor.GetGetter<ReadOnlyMemory<char>>(solution);
        var getId = cursor.GetGetter<int>(id);
        var getSource = cursor.GetGetter<ReadOnlyMemory<char>>(source);
        var getRating = cursor.GetGetter<float>(rating);
        ReadOnlyMemory<char> p = default, s = default, src = default;
        int i = 0;
        float r = 0;
        while (cursor.MoveNext())
        {
            getPuzzle(ref p); getSolution(ref s); getId(ref i); getSource(ref src); getRating(ref r);
            yield return new PuzzleExample(p.ToString(), s.ToString(), i, src.ToString(), r);
        }
    }

    private static PuzzleRow ToRow(PuzzleExample e, PuzzleCodec codec)
    {
        int n = codec.SequenceLength;
        var puzzleTokens = e.PuzzleTokens ?? codec.Encode(e.Puzzle);
        var solutionTokens = e.SolutionTokens ?? (e.Solution.Length == 0 ? new int[n] : codec.Encode(e.Solution));
        if (puzzleTokens.Length != n || solutionTokens.Length != n)
            throw new PuzzleFormatException($"{codec.Name}: puzzle {e.Name ?? e.Puzzle}: expected {n} tokens, found {puzzleTokens.Length} (puzzle) and {solutionTokens.Length} (solution).");
        return new PuzzleRow
        {
            Puzzle = e.Puzzle,
            Solution = e.Solution,
            PuzzleTokens = puzzleTokens,
            SolutionTokens = solutionTokens,
            PuzzleId = e.PuzzleId,
            Source = e.Source,
            Rating = e.Rating,
            Group = e.Group ?? "",
        };
    }

    /// <summary>One row of a puzzle view (the shape ML.NET reads through <see cref="FromExamples"/>).</summary>
    public sealed class PuzzleRow
    {
        /// <summary>Puzzle text.</summary>
        public string Puzzle { get; set; } = "";

        /// <summary>Solution text.</summary>
        public string Solution { get; set; } = "";

        /// <summary>Input tokens.</summary>
        public int[] PuzzleTokens { get; set; } = Array.Empty<int>();

        /// <summary>Label tokens.</summary>
        public int[] SolutionTokens { get; set; } = Array.Empty<int>();

        /// <summary>Puzzle identifier.</summary>
        public int PuzzleId { get; set; }

        /// <summary>Collection name.</summary>
        public string Source { get; set; } = "";

        /// <summary>Difficulty rating.</summary>
        public float Rating { get; set; }

        /// <summary>Group key (empty when none).</summary>
        public string Group { get; set; } = "";
    }
}
