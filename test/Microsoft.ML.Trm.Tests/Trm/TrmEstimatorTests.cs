using System.IO.Compression;
using Microsoft.ML.Data;
using Microsoft.ML.Trm.Data;
using Microsoft.ML.Trm.Tests.Training;
using static TorchSharp.torch;

namespace Microsoft.ML.Trm.Tests.Trm;

public class TrmEstimatorTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => Directory.CreateDirectory(_dir = Path.Combine(Path.GetTempPath(), "trm-est-" + Guid.NewGuid().ToString("N")));

    [TearDown]
    public void TearDown() { try { Directory.Delete(_dir, true); } catch (IOException) { } }

    [Test]
    public void Pipeline_SavedZip_LoadsInFreshProcess_WithIdenticalPredictions()
    {
        var ml = new MLContext(seed: 0);
        var model = TrmPipeline.Build(ml, TrmPipeline.SmallOptions()).Fit(TrmPipeline.Data(ml, 256, seed: 1));
        var zip = Path.Combine(_dir, "sudoku4.zip");
        ml.Model.Save(model, TrmPipeline.Data(ml, 1, 1).Schema, zip);

        var puzzles = TinySudoku.Generate(20, seed: 77).Select(r => r.Puzzle).ToList();
        var puzzleFile = Path.Combine(_dir, "puzzles.txt");
        File.WriteAllLines(puzzleFile, puzzles);
        var here = TrmPipeline.Describe(ml, model, puzzles).ToList();

        var (code, stdout, stderr) = ChildProcess.RunTestHost("describe-trm-model", zip, puzzleFile);
        Assert.That(code, Is.EqualTo(0), stderr);
        var there = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        Assert.That(there, Is.EqualTo(here));
        Assert.That(here.Count(l => l.StartsWith("T ")), Is.EqualTo(20));
        // Transform (batches of 16) and PredictionEngine (batches of 1) agree too: the same answers and steps; the
        // confidence may differ in the last float bits because the matrix products are blocked differently.
        var engine = here.Where(l => l.StartsWith("P ")).Select(l => l.Split(' ')).ToList();
        var batched = here.Where(l => l.StartsWith("T ")).Select(l => l.Split(' ')).ToList();
        Assert.That(engine.Select(p => (p[1], p[3])), Is.EqualTo(batched.Select(p => (p[1], p[3]))));
        for (int i = 0; i < engine.Count; i++)
            Assert.That(float.Parse(engine[i][2], System.Globalization.CultureInfo.InvariantCulture),
                Is.EqualTo(float.Parse(batched[i][2], System.Globalization.CultureInfo.InvariantCulture)).Within(1e-5f));
    }

    [Test]
    public void Save_Zip_HoldsWeightsEntryWithFormatVersion()
    {
        var ml = new MLContext(seed: 0);
        var model = TrmPipeline.Build(ml, TrmPipeline.SmallOptions(maxSteps: 2)).Fit(TrmPipeline.Data(ml, 64, 1));
        var zip = Path.Combine(_dir, "m.zip");
        ml.Model.Save(model, TrmPipeline.Data(ml, 1, 1).Schema, zip);
        using var archive = ZipFile.OpenRead(zip);
        var weights = archive.Entries.Single(e => e.FullName.EndsWith("/TrmModel.bin"));
        using var reader = new BinaryReader(weights.Open());
        reader.ReadInt32(); // payload length prefix
        Assert.That(new string(reader.ReadChars(8)), Is.EqualTo("TRMMODEL"));
        Assert.That(reader.ReadInt32(), Is.EqualTo(1));
    }

    [Test]
    public void Transform_RunsModelInBatches()
    {
        var ml = new MLContext(seed: 0);
        var options = TrmPipeline.SmallOptions(maxSteps: 2);
        options.InferenceBatchSize = 8;
        var trm = ((IEnumerable<ITransformer>)TrmPipeline.Build(ml, options).Fit(TrmPipeline.Data(ml, 64, 1))).OfType<TrmTransformer>().Single();
        var codec = new SudokuCodec(4);
        var rows = TinySudoku.Generate(20, 3).Select(r => new TokenRow { PuzzleTokens = codec.Encode(r.Puzzle) }).ToList();
        int before = trm.BatchesRun;
        var scored = trm.Transform(ml.Data.LoadFromEnumerable(rows));
        Assert.That(trm.BatchesRun, Is.EqualTo(before), "Transform must be lazy");
        var predictions = scored.GetColumn<VBuffer<int>>("PredictedTokens").ToList();
        Assert.That(predictions, Has.Count.EqualTo(20));
        Assert.That(trm.BatchesRun - before, Is.EqualTo(3)); // 8 + 8 + 4 rows
    }

    [Test]
    public void Fit_MissingColumn_NamesIt()
    {
        var ml = new MLContext(seed: 0);
        var data = ml.Data.LoadFromEnumerable(new[] { new PuzzleOnlyRow() });
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Trm(TrmPipeline.SmallOptions()).Fit(data));
        Assert.That(ex!.Message, Does.Contain("'SolutionTokens'").And.Contain("not found"));
    }

    [Test]
    public void Fit_WrongLabelLength_NamesColumnAndShapes()
    {
        var ml = new MLContext(seed: 0);
        var data = ml.Data.LoadFromEnumerable(new[] { new MismatchedRow() });
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Trm(TrmPipeline.SmallOptions()).Fit(data));
        Assert.That(ex!.Message, Does.Contain("'SolutionTokens'").And.Contain("Vector<Int32, 9>").And.Contain("16 slots"));
    }

    [Test]
    public void GetOutputSchema_WrongType_NamesColumnAndType()
    {
        var ml = new MLContext(seed: 0);
        var data = ml.Data.LoadFromEnumerable(new[] { new TextRow() });
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Trm(TrmPipeline.SmallOptions()).GetOutputSchema(new SchemaShape(data.Schema.Select(c => Microsoft.ML.Trm.MlNet.SchemaShapes.ToShapeColumn(c.Name, c.Type)))));
        Assert.That(ex!.Message, Does.Contain("'PuzzleTokens'").And.Contain("String"));
    }

    [Test]
    public void Transform_WrongVectorLength_NamesColumnAndShapes()
    {
        var ml = new MLContext(seed: 0);
        var trm = ml.Transforms.Trm(TrmPipeline.SmallOptions(maxSteps: 1)).Fit(ml.Data.LoadFromEnumerable(TokenRows(32)));
        var wrong = ml.Data.LoadFromEnumerable(new[] { new MismatchedRow() }); // PuzzleTokens has 9 slots
        var renamed = ml.Transforms.CopyColumns("PuzzleTokens", "SolutionTokens").Fit(wrong).Transform(wrong);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => trm.Transform(renamed));
        Assert.That(ex!.Message, Does.Contain("'PuzzleTokens'").And.Contain("Vector<Int32, 9>").And.Contain("16 slots"));
    }

    [Test]
    public void Fit_TokenOutsideVocabulary_NamesRowAndSlot()
    {
        var ml = new MLContext(seed: 0);
        var options = TrmPipeline.SmallOptions(maxSteps: 1);
        options.VocabSize = 6;
        var rows = TokenRows(8);
        rows[3].SolutionTokens[5] = 9;
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Trm(options).Fit(ml.Data.LoadFromEnumerable(rows)));
        Assert.That(ex!.Message, Does.Contain("token 9").And.Contain("0..5"));
    }

    [Test]
    public void AutoPrecision_TrainsInBFloat16OnlyOnAmxCpus_AndInfersInFloat32()
    {
        var trainingType = TrmDevice.CpuHasBFloat16MatrixUnits ? ScalarType.BFloat16 : ScalarType.Float32;
        TestContext.Out.WriteLine($"this CPU: bf16 matrix units {TrmDevice.CpuHasBFloat16MatrixUnits}; Auto trains in {trainingType}");
        Assert.That(TrmDevice.ForwardType(TrmPrecision.Auto, CPU, training: true), Is.EqualTo(trainingType));
        Assert.That(TrmDevice.ForwardType(TrmPrecision.Auto, CPU, training: false), Is.EqualTo(ScalarType.Float32));
        var gpu = new Device(TorchSharp.DeviceType.CUDA, 0);
        Assert.That(TrmDevice.ForwardType(TrmPrecision.Auto, gpu, training: true), Is.EqualTo(ScalarType.BFloat16));
        Assert.That(TrmDevice.ForwardType(TrmPrecision.Auto, gpu, training: false), Is.EqualTo(ScalarType.BFloat16));
        Assert.That(TrmDevice.ForwardType(TrmPrecision.Float32, CPU, training: true), Is.EqualTo(ScalarType.Float32));
        Assert.That(TrmDevice.ForwardType(TrmPrecision.BFloat16, CPU, training: false), Is.EqualTo(ScalarType.BFloat16));

        // Through the estimator: whatever Auto trained in, the fitted transformer and the loaded one infer in float32
        // (what the ONNX export computes), with float32 weights.
        var ml = new MLContext(seed: 0);
        var data = ml.Data.LoadFromEnumerable(TokenRows(32));
        using var fitted = ml.Transforms.Trm(TrmPipeline.SmallOptions(maxSteps: 3)).Fit(data);
        var zip = Path.Combine(_dir, "auto.zip");
        ml.Model.Save(fitted, data.Schema, zip);
        using var loaded = (TrmTransformer)ml.Model.Load(zip, out _);
        foreach (var model in new[] { fitted, loaded })
        {
            Assert.That(model.Network.ForwardType, Is.EqualTo(ScalarType.Float32));
            Assert.That(model.Network.parameters().Select(p => p.dtype), Is.All.EqualTo(ScalarType.Float32));
        }
        var a = fitted.Transform(data).GetColumn<VBuffer<int>>("PredictedTokens").Select(v => v.DenseValues().ToArray()).ToArray();
        var b = loaded.Transform(data).GetColumn<VBuffer<int>>("PredictedTokens").Select(v => v.DenseValues().ToArray()).ToArray();
        Assert.That(b, Is.EqualTo(a), "the loaded model predicts what the fitted one does");
    }

    [Test]
    public void FineTune_FromLoadedModel_ContinuesFromItsWeights()
    {
        var ml = new MLContext(seed: 0);
        var data = ml.Data.LoadFromEnumerable(TokenRows(64));
        var first = ml.Transforms.Trm(TrmPipeline.SmallOptions(maxSteps: 20)).Fit(data);
        var zip = Path.Combine(_dir, "first.zip");
        ml.Model.Save(first, data.Schema, zip);
        var loaded = (TrmTransformer)ml.Model.Load(zip, out _);
        var options = TrmPipeline.SmallOptions(maxSteps: 5);
        options.FreezeWeights = true;
        var tuned = ml.Transforms.Trm(options, loaded).Fit(data);
        // Frozen network weights: the (EMA of the) weights equal the loaded ones; only buffers may move.
        var a = loaded.Network.state_dict(); var b = tuned.Network.state_dict();
        foreach (var key in a.Keys.Where(k => k != "puzzle_emb.weights"))
            Assert.That(b[key].allclose(a[key], rtol: 1e-5, atol: 1e-6), Is.True, key);
        Assert.That(tuned.TrainedSteps, Is.EqualTo(5));
    }

    [Test]
    public void Evaluate_ReportsExactAndTokenAccuracy()
    {
        var ml = new MLContext(seed: 0);
        var rows = new[]
        {
            new ScoredRow { SolutionTokens = new[] { 2, 3, 0 }, PredictedTokens = new[] { 2, 3, 5 }, Confidence = 0.9f, Steps = 16 },  // exact (PAD ignored)
            new ScoredRow { SolutionTokens = new[] { 2, 3, 4 }, PredictedTokens = new[] { 2, 1, 1 }, Confidence = 0.8f, Steps = 16 },  // 1/3
        };
        var m = ml.EvaluateTrm(ml.Data.LoadFromEnumerable(rows));
        Assert.That(m.Count, Is.EqualTo(2));
        Assert.That(m.ExactAccuracy, Is.EqualTo(0.5));
        Assert.That(m.TokenAccuracy, Is.EqualTo((1 + 1 / 3.0) / 2).Within(1e-12));
        Assert.That(m.HaltAccuracy, Is.EqualTo(0.5));
        Assert.That(m.MeanSteps, Is.EqualTo(16));
    }

    internal static TokenRow[] TokenRows(int count)
    {
        var codec = new SudokuCodec(4);
        return TinySudoku.Generate(count, 5).Select(r => new TokenRow { PuzzleTokens = codec.Encode(r.Puzzle), SolutionTokens = codec.Encode(r.Solution) }).ToArray();
    }

    public sealed class TokenRow
    {
        [VectorType(16)] public int[] PuzzleTokens { get; set; } = new int[16];
        [VectorType(16)] public int[] SolutionTokens { get; set; } = new int[16];
    }

    public sealed class MismatchedRow
    {
        [VectorType(16)] public int[] PuzzleTokens { get; set; } = new int[16];
        [VectorType(9)] public int[] SolutionTokens { get; set; } = new int[9];
    }

    public sealed class PuzzleOnlyRow
    {
        [VectorType(16)] public int[] PuzzleTokens { get; set; } = new int[16];
    }

    public sealed class TextRow
    {
        public string PuzzleTokens { get; set; } = "";
    }

    public sealed class ScoredRow
    {
        [VectorType(3)] public int[] SolutionTokens { get; set; } = Array.Empty<int>();
        [VectorType(3)] public int[] PredictedTokens { get; set; } = Array.Empty<int>();
        public float Confidence { get; set; }
        public int Steps { get; set; }
    }
}
