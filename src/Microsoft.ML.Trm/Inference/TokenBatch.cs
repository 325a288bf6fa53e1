namespace Microsoft.ML.Trm.Inference;

/// <summary>
/// Puzzles as the inference core takes them: row-major tokens [<see cref="Count"/> × <see cref="SequenceLength"/>],
/// one puzzle identifier per row, and where the rows came from (column and row numbers) for error messages.
/// <see cref="Validate"/> is the one token check of the prediction path.
/// </summary>
internal sealed class TokenBatch
{
    private readonly long[]? _rows;

    /// <param name="tokens">Row-major tokens, a multiple of <paramref name="sequenceLength"/> long.</param>
    /// <param name="puzzleIds">One identifier per row.</param>
    /// <param name="sequenceLength">Tokens per row.</param>
    /// <param name="source">The column (or argument) the tokens came from, for messages.</param>
    /// <param name="rows">Row numbers in the source for messages (null: the index in this batch).</param>
    public TokenBatch(int[] tokens, int[] puzzleIds, int sequenceLength, string source = "tokens", long[]? rows = null)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(puzzleIds);
        ArgumentOutOfRangeException.ThrowIfLessThan(sequenceLength, 1);
        if (tokens.Length != puzzleIds.Length * sequenceLength)
            throw new ArgumentException($"{tokens.Length} tokens do not make {puzzleIds.Length} rows of {sequenceLength}.", nameof(tokens));
        if (rows is not null && rows.Length != puzzleIds.Length)
            throw new ArgumentException($"{rows.Length} row numbers for {puzzleIds.Length} rows.", nameof(rows));
        (Tokens, PuzzleIds, SequenceLength, Source, _rows) = (tokens, puzzleIds, sequenceLength, source, rows);
    }

    /// <summary>Row-major tokens.</summary>
    public int[] Tokens { get; }

    /// <summary>One puzzle identifier per row (identifiers the model does not know are run as the blank identifier 0).</summary>
    public int[] PuzzleIds { get; }

    /// <summary>Tokens per row.</summary>
    public int SequenceLength { get; }

    /// <summary>Rows.</summary>
    public int Count => PuzzleIds.Length;

    /// <summary>Where the tokens came from, e.g. a column name.</summary>
    public string Source { get; }

    /// <summary>The source row number of row <paramref name="index"/>.</summary>
    public long RowOf(int index) => _rows?[index] ?? index;

    /// <summary>
    /// Packs rows of tokens; a row of another length than <paramref name="sequenceLength"/> throws
    /// <see cref="ArgumentOutOfRangeException"/> naming the source and row.
    /// </summary>
    public static TokenBatch FromRows(IReadOnlyList<int[]> rows, IReadOnlyList<int>? puzzleIds, int sequenceLength, string source, long[]? rowNumbers = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var tokens = new int[rows.Count * sequenceLength];
        var ids = new int[rows.Count];
        for (int i = 0; i < rows.Count; i++)
        {
            var row = rows[i] ?? throw new ArgumentNullException(nameof(rows), $"{Describe(source)}, row {rowNumbers?[i] ?? i} is null.");
            if (row.Length != sequenceLength)
                throw new ArgumentOutOfRangeException(source, $"{Describe(source)}, row {rowNumbers?[i] ?? i}: {row.Length} tokens; the model expects {sequenceLength}.");
            row.CopyTo(tokens, i * sequenceLength);
            ids[i] = puzzleIds?[i] ?? 0;
        }
        return new TokenBatch(tokens, ids, sequenceLength, source, rowNumbers);
    }

    /// <summary>
    /// Throws <see cref="ArgumentOutOfRangeException"/> naming the source, row and slot when the rows do not have
    /// <paramref name="sequenceLength"/> tokens or a token is outside 0..<paramref name="vocabSize"/>−1.
    /// </summary>
    public void Validate(int sequenceLength, int vocabSize)
    {
        if (SequenceLength != sequenceLength)
            throw new ArgumentOutOfRangeException(Source, $"{Describe(Source)}, row {RowOf(0)}: {SequenceLength} tokens; the model expects {sequenceLength}.");
        for (int i = 0; i < Tokens.Length; i++)
            if ((uint)Tokens[i] >= (uint)vocabSize)
                throw new ArgumentOutOfRangeException(Source,
                    $"{Describe(Source)}, row {RowOf(i / sequenceLength)}: token {Tokens[i]} at slot {i % sequenceLength} is outside the model's vocabulary 0..{vocabSize - 1}.");
    }

    private static string Describe(string source) => $"Column '{source}'";
}
