namespace Microsoft.ML.Trm;

/// <summary>
/// How training rows are augmented on the fly (seeded; nothing is copied in memory). Each stored puzzle stands for a
/// group of members, the original and its variants; every epoch draws one member per group, as the reference's
/// sampler draws one of the puzzles its dataset builders stored per group (trm-spec §4 "Epoch semantics", §5).
/// </summary>
public enum TrmAugmentation
{
    /// <summary>Rows are used as they are (Maze's reference default; ARC, whose variants <c>trm generate arc</c> builds into the data).</summary>
    None,

    /// <summary>
    /// Sudoku shuffles as the reference's build_sudoku_dataset.py: each original plus <see cref="TrmOptions.AugmentationVariants"/>
    /// fixed random validity-preserving shuffles (digit relabelling with the blank fixed, band/stack permutations, row
    /// permutations within bands, column permutations within stacks, transpose with probability ½), applied to the
    /// puzzle and its solution alike. Needs 4×4 or 9×9 Sudoku tokens (<see cref="Data.SudokuCodec"/>).
    /// </summary>
    Sudoku,

    /// <summary>The 8 dihedral transforms of a square grid (build_maze_dataset.py <c>--aug</c>): 8 members per group.</summary>
    Dihedral,
}
