namespace Microsoft.ML.Trm.Training;

internal static class TrmDatasetFingerprintExtensions
{
    /// <summary>A hash of the rows (FNV-1a over tokens and ids) so a checkpoint is only resumed on the same data.</summary>
    public static string Fingerprint(this TrmDataset data)
    {
        ulong h = 14695981039346656037UL;
        void Mix(int v) { unchecked { h = (h ^ (uint)v) * 1099511628211UL; } }
        Mix(data.SequenceLength); Mix(data.Count);
        foreach (var v in data.Inputs) Mix(v);
        foreach (var v in data.Labels) Mix(v);
        foreach (var v in data.PuzzleIds) Mix(v);
        return h.ToString("x16");
    }
}
