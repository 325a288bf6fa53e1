using Microsoft.ML.Trm.Data;

namespace Microsoft.ML.Trm;

/// <summary>The puzzle families with a built-in codec.</summary>
public enum PuzzleKind
{
    /// <summary>9×9 Sudoku (<see cref="SudokuCodec"/>, 81 tokens).</summary>
    Sudoku,

    /// <summary>4×4 Sudoku (<see cref="SudokuCodec"/> of size 4, 16 tokens).</summary>
    Sudoku4,

    /// <summary>30×30 mazes as in Maze-Hard (<see cref="MazeCodec"/>, 900 tokens).</summary>
    Maze,

    /// <summary>ARC grids on a 30×30 canvas (<see cref="ArcCodec"/>, 900 tokens).</summary>
    Arc,
}

/// <summary>Maps <see cref="PuzzleKind"/> to codecs.</summary>
internal static class PuzzleKinds
{
    /// <summary>The codec for <paramref name="kind"/>.</summary>
    public static PuzzleCodec CreateCodec(PuzzleKind kind) => kind switch
    {
        PuzzleKind.Sudoku => new SudokuCodec(9),
        PuzzleKind.Sudoku4 => new SudokuCodec(4),
        PuzzleKind.Maze => new MazeCodec(30),
        PuzzleKind.Arc => new ArcCodec(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown puzzle kind."),
    };
}
