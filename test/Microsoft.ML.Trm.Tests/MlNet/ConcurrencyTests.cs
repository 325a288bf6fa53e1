namespace Microsoft.ML.Trm.Tests.MlNet;

public class ConcurrencyTests
{
    [Test]
    public void LoadedModel_TransformedFromSeveralThreads_GivesIdenticalResults()
    {
        var ml = new MLContext(seed: 1);
        var puzzles = Enumerable.Range(0, 200).Select(i => CodecPipeline.Sudokus[i % CodecPipeline.Sudokus.Length]).ToArray();
        var data = CodecPipeline.Data(ml, puzzles);
        var zip = Path.Combine(Path.GetTempPath(), "trm-concurrency-" + Guid.NewGuid().ToString("N") + ".zip");
        try
        {
            ml.Model.Save(CodecPipeline.Build(ml).Fit(data), data.Schema, zip);
            var loaded = new MLContext().Model.Load(zip, out _);
            string Run() => string.Join('\n', ml.Data.CreateEnumerable<CodecOutput>(loaded.Transform(data), reuseRowObject: false)
                .Select(o => o.Decoded + "|" + string.Join(',', o.Tokens)));
            var expected = Run();
            var results = new string[6];
            Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = results.Length }, i => results[i] = Run());
            Assert.That(results, Is.All.EqualTo(expected));
            Assert.That(expected.Split('\n'), Has.Length.EqualTo(puzzles.Length));
        }
        finally
        {
            File.Delete(zip);
        }
    }
}
