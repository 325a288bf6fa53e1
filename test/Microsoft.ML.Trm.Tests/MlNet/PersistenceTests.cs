using System.IO.Compression;
using System.Reflection;
using Microsoft.ML.Data;
using Microsoft.ML.Trm.MlNet;

namespace Microsoft.ML.Trm.Tests.MlNet;

public class PersistenceTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => Directory.CreateDirectory(_dir = Path.Combine(Path.GetTempPath(), "trm-mlnet-" + Guid.NewGuid().ToString("N")));

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private string SaveCodecModel(MLContext ml, out ITransformer model)
    {
        var data = CodecPipeline.Data(ml, CodecPipeline.Sudokus);
        model = CodecPipeline.Build(ml).Fit(data);
        var zip = Path.Combine(_dir, "codec-model.zip");
        ml.Model.Save(model, data.Schema, zip);
        return zip;
    }

    [Test]
    public void SaveLoad_FreshProcess_TransformAndPredictionEngineMatch()
    {
        var ml = new MLContext(seed: 1);
        var zip = SaveCodecModel(ml, out var model);
        var puzzles = Path.Combine(_dir, "puzzles.txt");
        File.WriteAllLines(puzzles, CodecPipeline.Sudokus);
        var expected = CodecPipeline.Describe(ml, model, CodecPipeline.Sudokus);

        var (exitCode, stdout, stderr) = ChildProcess.RunTestHost("describe-codec-model", zip, puzzles);

        Assert.That(exitCode, Is.EqualTo(0), stderr);
        var lines = stdout.Trim().Split('\n');
        Assert.That(lines[0], Is.EqualTo("schema Puzzle"));
        Assert.That(string.Join('\n', lines.Skip(1)), Is.EqualTo(expected));
        Assert.That(expected, Does.Contain($"transform {CodecPipeline.Sudokus[0]}|"));
    }

    [Test]
    public void Save_CodecPipeline_ZipHoldsOneModelKeyPerTransformer()
    {
        var zip = SaveCodecModel(new MLContext(seed: 1), out _);
        using var archive = ZipFile.OpenRead(zip);
        foreach (var entry in archive.Entries)
            TestContext.Out.WriteLine($"{entry.FullName} ({entry.Length} bytes)");
        Assert.That(archive.Entries.Select(e => e.FullName), Is.SupersetOf(new[]
        {
            "TransformerChain/Transform_000/Model.key",
            "TransformerChain/Transform_001/Model.key",
            "TransformerChain/Transform_002/Model.key",
            "TransformerChain/Model.key",
        }));
    }

    [Test]
    public void SaveLoad_NewContext_CodecSettingsSurvive()
    {
        var zip = SaveCodecModel(new MLContext(seed: 1), out _);
        var loaded = (TransformerChain<ITransformer>)new MLContext().Model.Load(zip, out _);
        var encoder = loaded.OfType<PuzzleEncodingTransformer>().Single();
        var decoder = loaded.OfType<PuzzleDecodingTransformer>().Single();
        Assert.That((encoder.OutputColumnName, encoder.InputColumnName, encoder.Codec.Id), Is.EqualTo(("Tokens", "Puzzle", "sudoku:9")));
        Assert.That((decoder.OutputColumnName, decoder.InputColumnName, decoder.Codec.Id), Is.EqualTo(("Decoded", "TokensCopy", "sudoku:9")));
    }

    [Test]
    public void SaveLoad_PayloadInSeparateEntry_RoundTrips()
    {
        var ml = new MLContext(seed: 1);
        var data = CodecPipeline.Data(ml, CodecPipeline.Sudokus);
        var payload = Enumerable.Range(0, 1000).Select(i => (byte)(i * 7)).ToArray();
        var model = ml.Transforms.EncodePuzzle("Tokens", "Puzzle", PuzzleKind.Sudoku)
            .Append(new ProbeEstimator("Tokens", "Checksum", payload)).Fit(data);
        var zip = Path.Combine(_dir, "probe.zip");
        ml.Model.Save(model, data.Schema, zip);

        using (var archive = ZipFile.OpenRead(zip))
            Assert.That(archive.GetEntry("TransformerChain/Transform_001/" + ProbeTransformer.PayloadEntry)?.Length, Is.EqualTo(4 + payload.Length));
        var loadedMl = new MLContext();
        var loaded = (TransformerChain<ITransformer>)loadedMl.Model.Load(zip, out _);
        Assert.That(loaded.OfType<ProbeTransformer>().Single().Payload, Is.EqualTo(payload));
        Assert.That(ReadChecksums(loadedMl, loaded.Transform(CodecPipeline.Data(loadedMl, CodecPipeline.Sudokus))),
            Is.EqualTo(ReadChecksums(ml, model.Transform(data))));
    }

    private static List<int> ReadChecksums(MLContext ml, IDataView view)
        => view.GetColumn<int>("Checksum").ToList();

    [Test]
    public void Weaver_LibraryAssembly_CarriesLoadableClassAttributes()
    {
        var woven = typeof(PuzzleEncodingTransformer).Assembly.GetCustomAttributesData()
            .Where(a => a.AttributeType.FullName == "Microsoft.ML.LoadableClassAttribute").ToList();
        var instanceTypes = woven.Select(a => (Type)a.ConstructorArguments[0].Value!).ToList();
        Assert.That(instanceTypes, Is.EquivalentTo(new[] { typeof(PuzzleEncodingTransformer), typeof(PuzzleDecodingTransformer), typeof(TrmTransformer) }));
        var loader = (Type)woven[0].ConstructorArguments[1].Value!;
        Assert.That(loader.GetGenericTypeDefinition(), Is.EqualTo(typeof(MlNetLoader<,>)));
        Assert.That(loader.GetGenericArguments()[1].FullName, Is.EqualTo("Microsoft.ML.ModelLoadContext"));
        // The instantiated attribute is kept by the runtime only thanks to IgnoresAccessChecksTo("Microsoft.ML.Core").
        Assert.That(typeof(PuzzleEncodingTransformer).Assembly.GetCustomAttributes()
            .Count(a => a.GetType().FullName == "Microsoft.ML.LoadableClassAttribute"), Is.EqualTo(3));
    }
}
