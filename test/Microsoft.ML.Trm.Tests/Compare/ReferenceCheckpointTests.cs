using System.IO.Compression;
using Microsoft.ML.Data;
using System.Text;
using Microsoft.ML.Trm.Checkpoints;
using Microsoft.ML.Trm.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Trm.Tests.Compare;

/// <summary>
/// Reference (PyTorch) checkpoint import/export. python3 with torch is not available on the build machine, so the
/// reference-layout fixtures are written by the tests (exporter, or hand-built key lists through the same pickle writer).
/// </summary>
public class ReferenceCheckpointTests
{
    private string _dir = "";

    [SetUp] public void SetUp() { _dir = Path.Combine(Path.GetTempPath(), "trm-ckpt-" + Guid.NewGuid().ToString("N")); Directory.CreateDirectory(_dir); }
    [TearDown] public void TearDown() { try { Directory.Delete(_dir, true); } catch (IOException) { } }

    private static TrmOptions TinyOptions() => TinyOptions(TrmArchitectureKind.Trm, TrmMixer.Attention);

    // No enum-typed default parameter values in this assembly: the MlNetWeaver step cannot resolve Microsoft.ML.Trm to write them.
    private static TrmOptions TinyOptions(TrmArchitectureKind kind, TrmMixer mixer) => new()
    {
        Architecture = kind, HiddenSize = 32, NumHeads = 2, Layers = 2, HighLevelLayers = 1, OuterCycles = 2, InnerCycles = 2,
        MaxSupervisionSteps = 2, PuzzleEmbeddingLength = 2, Mixer = mixer, PositionEncoding = mixer == TrmMixer.MlpT ? TrmPositionEncoding.None : TrmPositionEncoding.Rope,
    };

    private static TrmNetwork Build(TrmOptions o, int ids = 3, ulong seed = 5)
    {
        var network = new TrmNetwork(o.ToArchitecture(6, 16, ids), ScalarType.Float32, new Generator(seed));
        using (no_grad()) network.PuzzleTable!.Weights.copy_(randn(ids, 32, generator: new Generator(seed + 1)));
        return network;
    }

    private static Tensor Logits(TrmNetwork n)
    {
        using var _ = no_grad();
        n.eval();
        var inputs = randint(1, 6, new long[] { 3, 16 }, generator: new Generator(9));
        var (y, z) = n.InitialState(3, CPU);
        return n.DeepRecursion(y, z, inputs, tensor(new long[] { 0, 1, 2 })).Logits;
    }

    // Strings, not enums: enum-typed attribute arguments make the MlNetWeaver build step resolve Microsoft.ML.Trm, which fails.
    [TestCase("trm", "attention")]
    [TestCase("trm", "mlp-t")]
    [TestCase("hrm", "attention")]
    public void ExportThenImport_GivesIdenticalTensorsAndLogits(string kindName, string mixerName)
    {
        var kind = kindName == "hrm" ? TrmArchitectureKind.Hrm : TrmArchitectureKind.Trm;
        var mixer = mixerName == "mlp-t" ? TrmMixer.MlpT : TrmMixer.Attention;
        var options = TinyOptions(kind, mixer);
        using var original = Build(options);
        var path = Path.Combine(_dir, "step_100");
        ReferenceCheckpoint.Export(original, path);

        var (arch, imported) = ReferenceCheckpoint.Import(path, new ReferenceImportOptions { Options = options, SequenceLength = 16 });
        using (imported)
        {
            Assert.That((arch.VocabSize, arch.NumPuzzleIdentifiers, arch.Kind), Is.EqualTo((6, 3, kind)), "vocabulary and table size come from the file");
            var a = original.state_dict(); var b = imported.state_dict();
            Assert.That(b.Keys, Is.EqualTo(a.Keys));
            foreach (var (k, t) in a) Assert.That(b[k].equal(t).all().item<bool>(), Is.True, k);
            Assert.That(Logits(imported).equal(Logits(original)).all().item<bool>(), Is.True);
        }
    }

    [Test]
    public void Export_WritesReferenceLayout_PrefixedKeys_Bf16InitStates()
    {
        using var network = Build(TinyOptions());
        var path = Path.Combine(_dir, "step_1");
        ReferenceCheckpoint.Export(network, path);
        var stored = TorchPickle.Read(path);
        Assert.That(stored.All(kv => kv.Key.StartsWith("_orig_mod.model.inner.")), Is.True);
        Assert.That(stored.Select(kv => kv.Key).Take(6), Is.EqualTo(new[] { "H_init", "L_init", "embed_tokens.embedding_weight", "lm_head.weight", "q_head.weight", "q_head.bias" }.Select(k => "_orig_mod.model.inner." + k)));
        var dtypes = stored.ToDictionary(kv => kv.Key["_orig_mod.model.inner.".Length..], kv => kv.Value.DType);
        Assert.That((dtypes["H_init"], dtypes["L_init"], dtypes["lm_head.weight"], dtypes["puzzle_emb.weights"]), Is.EqualTo(("bfloat16", "bfloat16", "float32", "float32")));
        Assert.That(stored.First(kv => kv.Key.EndsWith("L_level.layers.0.self_attn.qkv_proj.weight")).Value.Shape, Is.EqualTo(new long[] { 96, 32 }));
        using var zip = ZipFile.OpenRead(path);
        Assert.That(zip.Entries.Select(e => e.FullName), Does.Contain("step_1/data.pkl").And.Contain("step_1/version").And.Contain("step_1/data/0"));
    }

    [Test]
    public void Import_AcceptsPlainPrefix_AndPublicWrapperPredicts()
    {
        using var network = Build(TinyOptions());
        var path = Path.Combine(_dir, "plain");
        ReferenceCheckpoint.Export(network, path, "model.inner.");
        using var model = TrmCheckpoint.ImportReference(path, TinyOptions(), 16);
        Assert.That((model.VocabSize, model.NumPuzzleIdentifiers, model.SequenceLength), Is.EqualTo((6, 3, 16)));
        Assert.That(model.ParameterCount, Is.EqualTo(network.ParameterCount));
        var predicted = model.Predict(new[] { Enumerable.Repeat(1, 16).ToArray() });
        Assert.That(predicted[0], Has.Length.EqualTo(16));
        var again = Path.Combine(_dir, "again");
        TrmCheckpoint.ExportReference(model, again);
        Assert.That(TorchPickle.Read(again).Select(kv => kv.Key), Is.EqualTo(TorchPickle.Read(path).Select(kv => kv.Key.Replace("model.inner.", "_orig_mod.model.inner."))));
    }

    [Test]
    public void ImportedCheckpoint_BecomesTransformer_ThatSavesAsModelZip_WithSamePredictions()
    {
        using var network = Build(TinyOptions());
        var path = Path.Combine(_dir, "step_7");
        ReferenceCheckpoint.Export(network, path);
        var options = TinyOptions();
        options.InputColumnName = "PuzzleTokens";
        using var reference = TrmCheckpoint.ImportReference(path, options, 16);
        var rows = Enumerable.Range(0, 5).Select(i => Enumerable.Range(0, 16).Select(j => 1 + (i * 7 + j * 3) % 5).ToArray()).ToArray();
        var expected = reference.Predict(rows);
        using var transformer = reference.ToTransformer();
        var ml = new MLContext(seed: 0);
        var data = ml.Data.LoadFromEnumerable(rows.Select(r => new Trm.TrmEstimatorTests.TokenRow { PuzzleTokens = r }).ToList());
        var zip = Path.Combine(_dir, "imported.zip");
        ml.Model.Save(transformer, data.Schema, zip);
        var loaded = ml.Model.Load(zip, out _);
        var predicted = loaded.Transform(data).GetColumn<VBuffer<int>>("PredictedTokens").Select(v => v.DenseValues().ToArray()).ToArray();
        Assert.That(predicted, Is.EqualTo(expected));
        // And back out to the reference layout, unchanged.
        var back = Path.Combine(_dir, "back");
        TrmCheckpoint.ExportReference((TrmTransformer)loaded, back);
        var a = TorchPickle.Read(path); var b = TorchPickle.Read(back);
        Assert.That(b.Select(kv => kv.Key), Is.EqualTo(a.Select(kv => kv.Key)));
    }

    /// <summary>A hand-built file in the reference layout: the network's tensors, minus/plus/reshaped some.</summary>
    private string HandBuilt(string name, Func<List<(string Key, string DType, long[] Shape, float[] Values)>, List<(string, string, long[], float[])>> edit)
    {
        using var network = Build(TinyOptions());
        var list = network.state_dict().Select(kv => ("_orig_mod.model.inner." + kv.Key, kv.Key.EndsWith("_init") ? "bfloat16" : "float32", kv.Value.shape, kv.Value.contiguous().data<float>().ToArray())).ToList();
        var path = Path.Combine(_dir, name);
        TorchPickle.Write(path, edit(list));
        return path;
    }

    [Test]
    public void PartialCheckpoint_ListsMissingKeysByName()
    {
        var path = HandBuilt("partial", l => l.Where(t => !t.Key.Contains("L_level.layers.1.") && !t.Key.EndsWith("lm_head.weight")).ToList());
        var e = Assert.Throws<TrmCheckpointException>(() => ReferenceCheckpoint.Import(path, new ReferenceImportOptions { Options = TinyOptions(), SequenceLength = 16 }));
        TestContext.Out.WriteLine(e!.Message);
        Assert.That(e.Message, Does.Contain("missing keys (5)"));
        Assert.That(e.Message, Does.Contain("_orig_mod.model.inner.lm_head.weight"));
        Assert.That(e.Message, Does.Contain("_orig_mod.model.inner.L_level.layers.1.self_attn.qkv_proj.weight"));
        Assert.That(e.Message, Does.Contain("_orig_mod.model.inner.L_level.layers.1.mlp.down_proj.weight"));
    }

    [Test]
    public void UnexpectedKey_IsNamed()
    {
        var path = HandBuilt("extra", l => l.Append(("_orig_mod.model.inner.embed_pos.embedding_weight", "float32", new long[] { 18, 32 }, new float[18 * 32])).ToList());
        var e = Assert.Throws<TrmCheckpointException>(() => ReferenceCheckpoint.Import(path, new ReferenceImportOptions { Options = TinyOptions(), SequenceLength = 16 }));
        Assert.That(e!.Message, Does.Contain("unexpected keys (1): _orig_mod.model.inner.embed_pos.embedding_weight"));
        Assert.That(e.Message, Does.Not.Contain("missing"));
    }

    [Test]
    public void WrongShape_NamesKeyExpectedAndFound()
    {
        var path = HandBuilt("shape", l => l.Select(t => t.Key.EndsWith("lm_head.weight") ? (t.Key, t.DType, new long[] { 7, 32 }, new float[7 * 32]) : t).ToList());
        var e = Assert.Throws<TrmCheckpointException>(() => ReferenceCheckpoint.Import(path, new ReferenceImportOptions { Options = TinyOptions(), SequenceLength = 16 }));
        Assert.That(e!.Message, Does.Contain("_orig_mod.model.inner.lm_head.weight: expected [6, 32], found [7, 32]"));
    }

    [Test]
    public void PuzzleTable_OtherRowCount_IsAShapeError_OrResizedByMean()
    {
        using var network = Build(TinyOptions(), ids: 3);
        var path = Path.Combine(_dir, "ids");
        ReferenceCheckpoint.Export(network, path);
        var import = new ReferenceImportOptions { Options = TinyOptions(), SequenceLength = 16, NumPuzzleIdentifiers = 5 };
        var e = Assert.Throws<TrmCheckpointException>(() => ReferenceCheckpoint.Import(path, import));
        Assert.That(e!.Message, Does.Contain("puzzle_emb.weights: expected [5, 32], found [3, 32]").And.Contain("ResizePuzzleEmbeddings"));

        var (arch, resized) = ReferenceCheckpoint.Import(path, import with { ResizePuzzleEmbeddings = true });
        using (resized)
        {
            Assert.That(arch.NumPuzzleIdentifiers, Is.EqualTo(5));
            var mean = network.PuzzleTable!.Weights.mean(new long[] { 0 });
            var table = resized.PuzzleTable!.Weights;
            Assert.That(table.shape, Is.EqualTo(new long[] { 5, 32 }));
            for (int r = 0; r < 5; r++) Assert.That(table[r].allclose(mean), Is.True, "every row is the old table's row mean (upstream load_checkpoint)");
        }
    }

    [Test]
    public void NonCheckpointFiles_AreRejectedClearly()
    {
        var text = Path.Combine(_dir, "notes.txt");
        File.WriteAllText(text, "not a checkpoint");
        var e = Assert.Throws<TrmCheckpointException>(() => ReferenceCheckpoint.Import(text, new ReferenceImportOptions { Options = TinyOptions(), SequenceLength = 16 }));
        Assert.That(e!.Message, Does.Contain("is not a PyTorch checkpoint"));

        var zipPath = Path.Combine(_dir, "other.zip");
        using (var zip = ZipFile.Open(zipPath, ZipArchiveMode.Create)) using (var s = zip.CreateEntry("readme.txt").Open()) s.Write(Encoding.ASCII.GetBytes("hi"));
        e = Assert.Throws<TrmCheckpointException>(() => ReferenceCheckpoint.Import(zipPath, new ReferenceImportOptions { Options = TinyOptions(), SequenceLength = 16 }));
        Assert.That(e!.Message, Does.Contain("no <name>/data.pkl"));

        Assert.Throws<TrmCheckpointException>(() => ReferenceCheckpoint.Import(Path.Combine(_dir, "absent"), new ReferenceImportOptions { Options = TinyOptions(), SequenceLength = 16 }));
    }

    [Test]
    public void PickleWithForeignGlobal_IsRefused()
    {
        // protocol 2: GLOBAL os.system, ('echo',), REDUCE, STOP — a classic code-execution pickle.
        var pickle = new List<byte> { 0x80, 2 };
        pickle.AddRange(Encoding.ASCII.GetBytes("cos\nsystem\n"));
        pickle.Add((byte)'X'); pickle.AddRange(BitConverter.GetBytes(4)); pickle.AddRange(Encoding.ASCII.GetBytes("echo"));
        pickle.AddRange(new byte[] { 0x85, (byte)'R', (byte)'.' });
        var path = Path.Combine(_dir, "evil");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create)) using (var s = zip.CreateEntry("evil/data.pkl").Open()) s.Write(pickle.ToArray());
        var e = Assert.Throws<TrmCheckpointException>(() => ReferenceCheckpoint.Import(path, new ReferenceImportOptions { Options = TinyOptions(), SequenceLength = 16 }));
        Assert.That(e!.Message, Does.Contain("refuses the global os.system"));
    }

    [Test]
    public void BFloat16Rounding_IsNearestEven()
    {
        Assert.That(TorchPickle.RoundToBFloat16(1f), Is.EqualTo(0x3F80));
        Assert.That(TorchPickle.RoundToBFloat16(BitConverter.Int32BitsToSingle(0x3F808000)), Is.EqualTo(0x3F80), "tie → even");
        Assert.That(TorchPickle.RoundToBFloat16(BitConverter.Int32BitsToSingle(0x3F818000)), Is.EqualTo(0x3F82), "tie → even (up)");
        using var t = tensor(new[] { 1.3f, -2.7f, 1e-3f });
        var viaTorch = t.to(ScalarType.BFloat16).to(ScalarType.Float32).data<float>().ToArray();
        var ours = new[] { 1.3f, -2.7f, 1e-3f }.Select(v => BitConverter.Int32BitsToSingle(TorchPickle.RoundToBFloat16(v) << 16)).ToArray();
        Assert.That(ours, Is.EqualTo(viaTorch));
    }
}
