namespace Microsoft.ML.Trm.Checkpoints;

/// <summary>How to import a reference checkpoint (see <see cref="ReferenceCheckpoint.Import"/>).</summary>
internal sealed record ReferenceImportOptions
{
    /// <summary>Shape and recursion settings the file cannot tell (heads, T, n, N_sup, mixer, positions, prefix length).</summary>
    public required TrmOptions Options { get; init; }

    /// <summary>Grid length (Sudoku 81, Maze/ARC 900): not stored in the file.</summary>
    public required int SequenceLength { get; init; }

    /// <summary>Rows of the puzzle table to build; null = as in the file.</summary>
    public int? NumPuzzleIdentifiers { get; init; }

    /// <summary>
    /// If the file's puzzle table has a different row count, replace it by its row mean broadcast to the new shape
    /// (upstream pretrain.py load_checkpoint). Otherwise a different row count is a shape error.
    /// </summary>
    public bool ResizePuzzleEmbeddings { get; init; }
}
