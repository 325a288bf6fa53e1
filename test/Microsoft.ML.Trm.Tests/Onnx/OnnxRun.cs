using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.ML.Trm.Onnx;

namespace Microsoft.ML.Trm.Tests.Onnx;

/// <summary>Runs an exported TRM graph on ONNX Runtime directly (no ML.NET) and returns its outputs per row.</summary>
internal static class OnnxRun
{
    public sealed record Result(long[][] Tokens, float[] Confidence, long[][][]? StepTokens);

    public static Result Run(string path, IReadOnlyList<int[]> puzzles, IReadOnlyList<int>? puzzleIds = null)
    {
        using var session = new InferenceSession(path);
        int batch = puzzles.Count, seq = puzzles[0].Length;
        var tokens = new DenseTensor<long>(puzzles.SelectMany(p => p.Select(t => (long)t)).ToArray(), new[] { batch, seq });
        var inputs = new List<NamedOnnxValue> { NamedOnnxValue.CreateFromTensor(TrmOnnxNames.Tokens, tokens) };
        if (session.InputMetadata.ContainsKey(TrmOnnxNames.PuzzleIds))
            inputs.Add(NamedOnnxValue.CreateFromTensor(TrmOnnxNames.PuzzleIds,
                new DenseTensor<long>(Enumerable.Range(0, batch).Select(i => (long)(puzzleIds?[i] ?? 0)).ToArray(), new[] { batch })));
        using var outputs = session.Run(inputs);
        var byName = outputs.ToDictionary(o => o.Name, o => o);
        var predicted = byName[TrmOnnxNames.PredictedTokens].AsTensor<long>().ToArray();
        var confidence = byName[TrmOnnxNames.Confidence].AsTensor<float>().ToArray();
        long[][][]? steps = null;
        if (byName.TryGetValue(TrmOnnxNames.StepTokens, out var stepValue))
        {
            var t = stepValue.AsTensor<long>();
            int n = t.Dimensions[1];
            var flat = t.ToArray();
            steps = Enumerable.Range(0, batch).Select(b => Enumerable.Range(0, n).Select(s => flat.AsSpan((b * n + s) * seq, seq).ToArray()).ToArray()).ToArray();
        }
        return new Result(Enumerable.Range(0, batch).Select(b => predicted.AsSpan(b * seq, seq).ToArray()).ToArray(), confidence, steps);
    }

    /// <summary>Fraction of equal tokens over all rows.</summary>
    public static double Agreement(IReadOnlyList<int[]> expected, IReadOnlyList<long[]> actual)
    {
        long same = 0, total = 0;
        for (int r = 0; r < expected.Count; r++)
            for (int i = 0; i < expected[r].Length; i++, total++)
                if (expected[r][i] == actual[r][i]) same++;
        return (double)same / total;
    }
}
