using System.Globalization;
using System.Security.Cryptography;

namespace Microsoft.ML.Trm.Data;

/// <summary>
/// One ARC augmentation as the reference's build_arc_dataset.py draws it: a permutation of colours 1-9 (colour 0
/// fixed) followed by a dihedral transform (<see cref="Dihedral"/>). Variant name:
/// <c>&lt;task&gt;|||t&lt;id&gt;|||&lt;10 digits of the colour map&gt;</c>; the identity keeps the plain task id.
/// </summary>
public sealed class ArcAugmentation
{
    /// <summary>Separator inside variant names.</summary>
    public const string Separator = "|||";

    private readonly int[] _map, _inverse;

    /// <summary>Creates an augmentation; <paramref name="colourMap"/>[c] is the new colour of colour c (10 entries, [0] = 0).</summary>
    public ArcAugmentation(int dihedralId, IReadOnlyList<int> colourMap)
    {
        ArgumentNullException.ThrowIfNull(colourMap);
        if (dihedralId is < 0 or >= Dihedral.Count) throw new ArgumentOutOfRangeException(nameof(dihedralId), dihedralId, "Dihedral ids are 0-7.");
        if (colourMap.Count != 10 || colourMap[0] != 0 || colourMap.Distinct().Count() != 10 || colourMap.Any(c => c is < 0 or > 9))
            throw new ArgumentException("The colour map must be a permutation of 0-9 that keeps 0.", nameof(colourMap));
        DihedralId = dihedralId;
        _map = colourMap.ToArray();
        _inverse = new int[10];
        for (int c = 0; c < 10; c++) _inverse[_map[c]] = c;
    }

    /// <summary>The identity augmentation.</summary>
    public static ArcAugmentation Identity { get; } = new(0, Enumerable.Range(0, 10).ToArray());

    /// <summary>The dihedral transform id (0-7).</summary>
    public int DihedralId { get; }

    /// <summary>New colour of each old colour.</summary>
    public IReadOnlyList<int> ColourMap => _map;

    /// <summary>True for the identity.</summary>
    public bool IsIdentity => DihedralId == 0 && _map.Select((c, i) => c == i).All(x => x);

    /// <summary>Draws an augmentation as the reference does: a dihedral id in 0-7, then a permutation of colours 1-9.</summary>
    public static ArcAugmentation Random(Random rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        int id = rng.Next(Dihedral.Count);
        var map = new int[10];
        for (int c = 1; c < 10; c++) map[c] = c;
        rng.Shuffle(map.AsSpan(1));
        return new ArcAugmentation(id, map);
    }

    /// <summary>The variant name; the plain task id for the identity.</summary>
    public string VariantName(string taskId) =>
        IsIdentity ? taskId : $"{taskId}{Separator}t{DihedralId}{Separator}{string.Concat(_map.Select(c => (char)('0' + c)))}";

    /// <summary>Parses a variant name into the task id and the augmentation (a plain id gives the identity).</summary>
    public static ArcAugmentation Parse(string variantName, out string taskId)
    {
        ArgumentNullException.ThrowIfNull(variantName);
        var parts = variantName.Split(Separator);
        taskId = parts[0];
        if (parts.Length == 1) return Identity;
        if (parts.Length != 3 || parts[1].Length != 2 || parts[1][0] != 't' || parts[2].Length != 10 || !parts[2].All(char.IsAsciiDigit))
            throw new PuzzleFormatException($"arc: variant name '{variantName}' is not '<task>|||t<0-7>|||<10 digits>'.");
        return new ArcAugmentation(int.Parse(parts[1][1..], CultureInfo.InvariantCulture), parts[2].Select(c => c - '0').ToArray());
    }

    /// <summary>Maps the colours, then applies the dihedral transform.</summary>
    public int[][] Apply(int[][] grid)
    {
        ArgumentNullException.ThrowIfNull(grid);
        return Dihedral.Apply(grid.Select(row => row.Select(c => _map[c]).ToArray()).ToArray(), DihedralId);
    }

    /// <summary>Undoes <see cref="Apply(int[][])"/>: inverse dihedral, then inverse colour map.</summary>
    public int[][] Invert(int[][] grid)
    {
        ArgumentNullException.ThrowIfNull(grid);
        return Dihedral.Apply(grid, Dihedral.Inverse(DihedralId)).Select(row => row.Select(c => _inverse[c]).ToArray()).ToArray();
    }

    /// <summary>Applies the augmentation to every grid of a task (the id is kept).</summary>
    public ArcTask Apply(ArcTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArcPair Map(ArcPair p) => new(Apply(p.Input), p.Output == null ? null : Apply(p.Output));
        return task with { Train = task.Train.Select(Map).ToArray(), Test = task.Test.Select(Map).ToArray() };
    }

    /// <summary>
    /// The distinct variants of a task, lazily: the identity first, then random augmentations whose whole-task
    /// hash is new, until <paramref name="count"/> extra variants exist or 5 × <paramref name="count"/> draws are
    /// spent (tasks with few colours or symmetries get fewer), as the reference's convert_single_arc_puzzle.
    /// </summary>
    public static IEnumerable<(ArcAugmentation Augmentation, ArcTask Task)> Variants(ArcTask task, int count, Random rng)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(rng);
        yield return (Identity, task);
        if (count <= 0) yield break;
        var hashes = new HashSet<UInt128> { TaskHash(task) };
        int made = 0;
        for (int trial = 0; trial < 5 * count && made < count; trial++)
        {
            var aug = Random(rng);
            var augmented = aug.Apply(task);
            if (!hashes.Add(TaskHash(augmented))) continue;
            made++;
            yield return (aug, augmented);
        }
    }

    /// <summary>A 128-bit hash (SHA-256 prefix) of every grid of a task, shapes included.</summary>
    public static UInt128 TaskHash(ArcTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[ArcCodec.CanvasSize * ArcCodec.CanvasSize + 3];
        void Add(int[][]? g, byte tag)
        {
            if (g == null) { buffer[0] = 255; h.AppendData(buffer, 0, 1); return; }
            int k = 0;
            buffer[k++] = tag; buffer[k++] = (byte)g.Length; buffer[k++] = (byte)g[0].Length;
            foreach (var row in g) foreach (int v in row) buffer[k++] = (byte)v;
            h.AppendData(buffer, 0, k);
        }
        foreach (var p in task.Train) { Add(p.Input, 1); Add(p.Output, 2); }
        foreach (var p in task.Test) { Add(p.Input, 3); Add(p.Output, 4); }
        Span<byte> digest = stackalloc byte[32];
        h.GetHashAndReset(digest);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt128LittleEndian(digest);
    }
}
