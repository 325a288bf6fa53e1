namespace Microsoft.ML.Trm.Data;

/// <summary>An ARC task: demonstration (train) pairs and test pairs.</summary>
/// <param name="Id">Task id, e.g. "007bbfb7".</param>
/// <param name="Train">Demonstration pairs (outputs always known).</param>
/// <param name="Test">Test pairs (outputs known for training/evaluation data, null in challenges).</param>
public sealed record ArcTask(string Id, IReadOnlyList<ArcPair> Train, IReadOnlyList<ArcPair> Test)
{
    /// <summary>True when two grids have the same shape and colours.</summary>
    public static bool GridEquals(int[][]? a, int[][]? b)
    {
        if (ReferenceEquals(a, b)) return true;
        if (a == null || b == null || a.Length != b.Length) return false;
        for (int r = 0; r < a.Length; r++) if (!a[r].AsSpan().SequenceEqual(b[r])) return false;
        return true;
    }

    /// <summary>True when both tasks have the same id and the same grids (structural equality).</summary>
    public bool ContentEquals(ArcTask other)
    {
        ArgumentNullException.ThrowIfNull(other);
        static bool Same(IReadOnlyList<ArcPair> x, IReadOnlyList<ArcPair> y) =>
            x.Count == y.Count && x.Zip(y).All(p => GridEquals(p.First.Input, p.Second.Input) && GridEquals(p.First.Output, p.Second.Output));
        return Id == other.Id && Same(Train, other.Train) && Same(Test, other.Test);
    }
}
