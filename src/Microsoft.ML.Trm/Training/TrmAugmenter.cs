using Microsoft.ML.Trm.Data;

namespace Microsoft.ML.Trm.Training;

/// <summary>
/// On-the-fly augmentation of training rows (<see cref="TrmOptions.Augmentation"/>). Variant v of group g is a fixed
/// transform drawn from (seed, g, v), so each group has <see cref="Members"/> fixed members (variant 0 = as stored), as
/// the reference's builders store them, without holding the copies in memory.
/// </summary>
internal sealed class TrmAugmenter
{
    private readonly int _seed, _side;

    private TrmAugmenter(TrmAugmentation kind, int variants, int side, int seed) => (Kind, Variants, _side, _seed) = (kind, variants, side, seed);

    /// <summary>No augmentation.</summary>
    public static TrmAugmenter Identity { get; } = new(TrmAugmentation.None, 0, 0, 0);

    public TrmAugmentation Kind { get; }

    /// <summary>Variants besides the stored row.</summary>
    public int Variants { get; }

    /// <summary>Members of each stored puzzle: the original and its variants.</summary>
    public int Members => Variants + 1;

    /// <exception cref="ArgumentOutOfRangeException">The rows do not fit the augmentation; the message names the option.</exception>
    public static TrmAugmenter Create(TrmOptions options, int sequenceLength)
    {
        int side = (int)Math.Round(Math.Sqrt(sequenceLength));
        switch (options.Augmentation)
        {
            case TrmAugmentation.None:
                return Identity;
            case TrmAugmentation.Sudoku:
                if (side * side != sequenceLength || side is not (4 or 9))
                    throw new ArgumentOutOfRangeException(nameof(TrmOptions.Augmentation), options.Augmentation,
                        $"Augmentation Sudoku needs 4×4 or 9×9 Sudoku rows (16 or 81 tokens); the data has {sequenceLength} tokens per row. Set TrmOptions.Augmentation to None.");
                return options.AugmentationVariants == 0 ? Identity : new(TrmAugmentation.Sudoku, options.AugmentationVariants, side, options.Seed);
            case TrmAugmentation.Dihedral:
                if (side * side != sequenceLength)
                    throw new ArgumentOutOfRangeException(nameof(TrmOptions.Augmentation), options.Augmentation,
                        $"Augmentation Dihedral needs square grids; the data has {sequenceLength} tokens per row. Set TrmOptions.Augmentation to None.");
                return new(TrmAugmentation.Dihedral, Dihedral.Count - 1, side, options.Seed);
            default:
                throw new ArgumentOutOfRangeException(nameof(TrmOptions.Augmentation), options.Augmentation, "Unknown augmentation.");
        }
    }

    /// <summary>Writes variant <paramref name="variant"/> (1..<see cref="Variants"/>) of group <paramref name="group"/>'s row.</summary>
    public void Apply(int group, int variant, ReadOnlySpan<int> input, ReadOnlySpan<int> label, Span<int> inputOut, Span<int> labelOut)
    {
        switch (Kind)
        {
            case TrmAugmentation.Sudoku:
                var shuffle = SudokuShuffle.Random(_side, new Random(VariantSeed(_seed, group, variant)));
                shuffle.ApplyTokens(input, inputOut);
                shuffle.ApplyTokens(label, labelOut);
                break;
            case TrmAugmentation.Dihedral:
                DihedralTokens(input, inputOut, variant);
                DihedralTokens(label, labelOut, variant);
                break;
            default:
                input.CopyTo(inputOut); label.CopyTo(labelOut);
                break;
        }
    }

    /// <summary>The shuffle of Sudoku variant <paramref name="variant"/> of <paramref name="group"/> (for tests and tools).</summary>
    public SudokuShuffle SudokuVariant(int group, int variant) => SudokuShuffle.Random(_side, new Random(VariantSeed(_seed, group, variant)));

    private void DihedralTokens(ReadOnlySpan<int> tokens, Span<int> result, int id)
    {
        int n = _side;
        var grid = new int[n][];
        for (int i = 0; i < n; i++) grid[i] = tokens.Slice(i * n, n).ToArray();
        var transformed = Dihedral.Apply(grid, id);
        for (int i = 0; i < n; i++) transformed[i].CopyTo(result.Slice(i * n, n));
    }

    private static int VariantSeed(int seed, int group, int variant)
    {
        unchecked
        {
            uint h = 2166136261;
            foreach (int v in new[] { seed, group, variant, 0x5eed }) h = (h ^ (uint)v) * 16777619;
            return (int)(h & 0x7fffffff);
        }
    }
}
