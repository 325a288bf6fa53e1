using Microsoft.ML;
using System.Diagnostics;
using Microsoft.ML.Trm.Model;
using Microsoft.ML.Trm.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Trm.Tests.Model;

/// <summary>Tensors of 2 GiB or more (the ARC-AGI-2 puzzle table is 2.44 GB) through the model file and a checkpoint.</summary>
public class LargeTensorTests
{
    [Test, Explicit("allocates a 2.2 GB puzzle table (peak ~4.5 GB of memory, 4.4 GB of disk); run by hand"), Category("Large")]
    public void PuzzleTableOver2GiB_RoundTripsThroughTheModelFileAndACheckpoint()
    {
        string dir = Path.Combine(Path.GetTempPath(), "trm-large-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        var clock = Stopwatch.StartNew();
        try
        {
            var options = TrmPresets.Create(TrmPresets.Tiny);
            const int rows = 8_600_000;                            // × 64 floats × 4 bytes = 2.2 GB > 2 GiB
            var arch = options.ToArchitecture(6, 16, rows);
            double checksum, lastRow;
            using (var network = new TrmNetwork(arch, ScalarType.Float32, new Generator(0)))
            {
                var table = network.state_dict()["puzzle_emb.weights"];
                Assert.That(table.numel() * 4, Is.GreaterThan(int.MaxValue));
                using (no_grad()) table[rows - 1].fill_(3.25f);
                checksum = table.sum(ScalarType.Float64).item<double>();
                lastRow = table[rows - 1][0].item<float>();

                using var loop = new TrmTrainingLoop(network, options, 10, CPU, new Generator(0));
                TrainingCheckpoint.Save(dir, loop, 0, 0, "large");
                TestContext.Out.WriteLine($"checkpoint {new FileInfo(TrainingCheckpoint.PathIn(dir)).Length:N0} bytes written at {clock.Elapsed.TotalSeconds:F0} s");
                using (no_grad()) table.zero_();
                TrainingCheckpoint.Load(dir, loop, "large");
                Assert.That(table.sum(ScalarType.Float64).item<double>(), Is.EqualTo(checksum), "checkpoint round trip");
                TestContext.Out.WriteLine($"checkpoint read back at {clock.Elapsed.TotalSeconds:F0} s");
                File.Delete(TrainingCheckpoint.PathIn(dir));

                using var file = File.Create(Path.Combine(dir, "TrmModel.bin"));
                TrmModelFile.Write(file, network, options, 10);
            }
            GC.Collect();
            using (var file = File.OpenRead(Path.Combine(dir, "TrmModel.bin")))
            {
                TestContext.Out.WriteLine($"model file {file.Length:N0} bytes written at {clock.Elapsed.TotalSeconds:F0} s");
                var (header, tensors) = TrmModelFile.Read(file, "TrmModel.bin");
                var table = tensors["puzzle_emb.weights"];
                Assert.That(table.shape, Is.EqualTo(new long[] { rows, 64 }));
                Assert.That(table.sum(ScalarType.Float64).item<double>(), Is.EqualTo(checksum), "model file round trip");
                Assert.That(table[rows - 1][0].item<float>(), Is.EqualTo(lastRow));
                Assert.That(header.Architecture, Is.EqualTo(arch));
                foreach (var t in tensors.Values) t.Dispose();
            }
            TestContext.Out.WriteLine($"model file read back at {clock.Elapsed.TotalSeconds:F0} s; peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / (1 << 20):N0} MiB");
        }
        finally
        {
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    }
}

/// <summary>The same table through a whole ML.NET model zip: the weights stream into their zip entry and back.</summary>
public class LargeModelZipTests
{
    [Test, Explicit("allocates a 2.2 GB puzzle table (peak ~12 GB of memory, ~4.5 GB of disk); run by hand"), Category("Large")]
    public void PuzzleTableOver2GiB_RoundTripsThroughAnMlNetModelZip()
    {
        string zip = Path.Combine(Path.GetTempPath(), "trm-large-" + Guid.NewGuid().ToString("N")[..8] + ".zip");
        var clock = Stopwatch.StartNew();
        var ml = new MLContext(seed: 0);
        try
        {
            var options = TrmPresets.Create(TrmPresets.Tiny);
            const int rows = 8_600_000;                            // × 64 floats × 4 bytes = 2.2 GB > 2 GiB
            options.VocabSize = 6;
            options.NumPuzzleIdentifiers = rows;
            options.PuzzleIdColumnName = "PuzzleId";
            double checksum;
            using (var network = new TrmNetwork(options.ToArchitecture(6, 16, rows), ScalarType.Float32, new Generator(0)))
            {
                var table = network.state_dict()["puzzle_emb.weights"];
                using (no_grad())
                {
                    table.normal_(generator: new Generator(1));   // random, so the zip entry does not compress below 2 GiB
                    table[rows - 1].fill_(3.25f);
                }
                checksum = table.sum(ScalarType.Float64).item<double>();
                var trm = new TrmTransformer(network, options, CPU, trainedSteps: 10);   // the network is disposed by its using
                ml.Model.Save(trm, null, zip);
            }
            GC.Collect();
            TestContext.Out.WriteLine($"zip {new FileInfo(zip).Length:N0} bytes written at {clock.Elapsed.TotalSeconds:F0} s");
            var loaded = (TrmTransformer)ml.Model.Load(zip, out _);
            var back = loaded.Network.state_dict()["puzzle_emb.weights"];
            Assert.That(back.shape, Is.EqualTo(new long[] { rows, 64 }));
            Assert.That(back.sum(ScalarType.Float64).item<double>(), Is.EqualTo(checksum), "model zip round trip");
            Assert.That(back[rows - 1][0].item<float>(), Is.EqualTo(3.25f));
            Assert.That(loaded.TrainedSteps, Is.EqualTo(10));
            TestContext.Out.WriteLine($"zip read back at {clock.Elapsed.TotalSeconds:F0} s; peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / (1 << 20):N0} MiB");
            loaded.Dispose();
        }
        finally
        {
            File.Delete(zip);
        }
    }
}

/// <summary>A model file whose header lies about the architecture is refused before anything of the claimed size is allocated.</summary>
public class LyingHeaderTests
{
    private static byte[] Payload(Func<string, string> editHeader)
    {
        var options = TrmPresets.Create(TrmPresets.Tiny);
        options.HiddenSize = 32;
        using var network = new TrmNetwork(options.ToArchitecture(6, 16, 1), ScalarType.Float32, new Generator(0));
        var payload = TrmModelFile.Write(network, options, 1);
        using var reader = new BinaryReader(new MemoryStream(payload));
        var magic = reader.ReadBytes(8); int version = reader.ReadInt32(); string header = reader.ReadString();
        var rest = reader.ReadBytes(payload.Length);
        using var output = new MemoryStream();
        using (var writer = new BinaryWriter(output, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(magic); writer.Write(version); writer.Write(editHeader(header)); writer.Write(rest);
        }
        return output.ToArray();
    }

    [TestCase("\"hidden_size\":32", "\"hidden_size\":1000000", "embed_tokens.embedding_weight")]
    [TestCase("\"num_puzzle_identifiers\":1", "\"num_puzzle_identifiers\":2000000000", "puzzle_emb.weights")]
    [TestCase("\"L_layers\":2", "\"L_layers\":100000", "blocks")]
    [TestCase("\"expansion\":4", "\"expansion\":100000", "gate_up_proj")]
    public void EditedHeader_IsRefusedWithAClearMessage(string from, string to, string named)
    {
        var payload = Payload(h => { Assert.That(h, Does.Contain(from)); return h.Replace(from, to); });
        var clock = Stopwatch.StartNew();
        var ex = Assert.Throws<InvalidDataException>(() => TrmModelFile.Read(payload, "m.zip"));
        Assert.That(ex!.Message, Does.Contain(named).And.Contain("m.zip"));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)), "refused at once, not after allocating");
    }

    [Test]
    public void ArchiveEntry_ClaimingMoreBytesThanTheFileHolds_IsRefusedBeforeAllocating()
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            w.Write(System.Text.Encoding.ASCII.GetBytes("TRMTENS1")); w.Write(1);
            w.Write("huge"); w.Write((byte)ScalarType.Float32); w.Write(2); w.Write(1_000_000L); w.Write(1_000_000L); w.Write(4_000_000_000_000L);
            w.Write(new byte[16]);
        }
        stream.Position = 0;
        var ex = Assert.Throws<InvalidDataException>(() => TensorArchive.Read(new BinaryReader(stream), "x.bin"));
        Assert.That(ex!.Message, Does.Contain("'huge'").And.Contain("remain"));
    }
}
