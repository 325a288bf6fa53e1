using System.IO.Compression;
using Microsoft.ML.Trm.Tests.Trm;

namespace Microsoft.ML.Trm.Tests.Reliability;

/// <summary>Damaged, foreign, newer and mismatched model files are refused with a clear error.</summary>
public class ModelFileTests
{
    private static string _dir = "";
    private static byte[] _zip = Array.Empty<byte>();

    [OneTimeSetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("trm-files-").FullName;
        _zip = TinyModelZip.Bytes;
    }

    [OneTimeTearDown]
    public void CleanUp() { try { Directory.Delete(_dir, true); } catch (IOException) { } }

    internal static Exception LoadFails(byte[] bytes)
    {
        var path = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".zip");
        File.WriteAllBytes(path, bytes);
        var ex = Assert.Catch(() => new MLContext().Model.Load(path, out _));
        return Unwrap(ex!);
    }

    internal static Exception Unwrap(Exception ex)
    {
        while (ex is System.Reflection.TargetInvocationException or TypeInitializationException && ex.InnerException != null) ex = ex.InnerException;
        return ex;
    }

    internal static byte[] RewriteEntry(byte[] zip, string suffix, Func<byte[], byte[]> change)
    {
        using var input = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        var output = new MemoryStream();
        using (var archive = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var entry in input.Entries)
            {
                using var source = entry.Open();
                var bytes = new MemoryStream(); source.CopyTo(bytes);
                var content = entry.FullName.EndsWith(suffix) ? change(bytes.ToArray()) : bytes.ToArray();
                using var target = archive.CreateEntry(entry.FullName).Open();
                target.Write(content);
            }
        return output.ToArray();
    }

    [Test]
    public void Load_GoodZip_Works() => Assert.That(LoadFails_OrNull(_zip), Is.Null);

    private static Exception? LoadFails_OrNull(byte[] bytes)
    {
        var path = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".zip");
        File.WriteAllBytes(path, bytes);
        try { new MLContext().Model.Load(path, out _); return null; } catch (Exception e) { return e; }
    }

    [Test]
    public void Load_TruncatedZip_IsRefused()
    {
        var ex = LoadFails(_zip[..(_zip.Length / 2)]);
        Assert.That(ex, Is.InstanceOf<InvalidDataException>().Or.InstanceOf<FormatException>());
        Assert.That(ex.Message, Is.Not.Empty);
    }

    [Test]
    public void Load_ForeignZip_IsRefused()
    {
        var foreign = new MemoryStream();
        using (var archive = new ZipArchive(foreign, ZipArchiveMode.Create, leaveOpen: true))
        using (var writer = new StreamWriter(archive.CreateEntry("readme.txt").Open())) writer.Write("not a model");
        var ex = LoadFails(foreign.ToArray());
        Assert.That(ex, Is.InstanceOf<FormatException>().Or.InstanceOf<InvalidDataException>().Or.InstanceOf<InvalidOperationException>());
    }

    [Test]
    public void Load_NewerFormatVersion_NamesBothVersions()
    {
        var newer = RewriteEntry(_zip, "TrmModel.bin", b => { var c = (byte[])b.Clone(); BitConverter.GetBytes(7).CopyTo(c, 4 + 8); return c; });
        var ex = LoadFails(newer);
        Assert.That(ex, Is.InstanceOf<InvalidDataException>());
        Assert.That(ex.Message, Does.Contain("format version 7").And.Contain("up to 1"));
    }

    [Test]
    public void Load_WrongTensorShape_NamesTensorAndShapes()
    {
        // Change the stored architecture (hidden size) so the weights no longer fit it.
        var changed = RewriteEntry(_zip, "TrmModel.bin", b =>
        {
            var text = System.Text.Encoding.Latin1.GetString(b);   // byte-preserving; same-length edit keeps the length prefixes valid
            var patched = text.Replace("\"hidden_size\":32", "\"hidden_size\":64");
            Assert.That(patched, Is.Not.EqualTo(text), "the fixture must contain the hidden size");
            return System.Text.Encoding.Latin1.GetBytes(patched);
        });
        var ex = LoadFails(changed);
        Assert.That(ex, Is.InstanceOf<InvalidDataException>());
        Assert.That(ex.Message, Does.Contain("has shape").And.Contain("needs"));
    }

    [Test]
    public void Load_NotWeights_IsRefused()
    {
        var garbage = RewriteEntry(_zip, "TrmModel.bin", b => { var c = (byte[])b.Clone(); for (int i = 4; i < 12; i++) c[i] = (byte)'x'; return c; });
        var ex = LoadFails(garbage);
        Assert.That(ex, Is.InstanceOf<InvalidDataException>());
        Assert.That(ex.Message, Does.Contain("TRMMODEL"));
    }

    [Test]
    public void SaveAtomically_WhenWritingFails_LeavesPreviousFileIntact()
    {
        var path = Path.Combine(_dir, "keep.zip");
        File.WriteAllBytes(path, _zip);
        Assert.Throws<IOException>(() => TrmModelSaving.WriteAtomically(path, stream =>
        {
            stream.Write(new byte[1000]);
            throw new IOException("No space left on device");
        }));
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(_zip));
        Assert.That(Directory.GetFiles(_dir, ".keep.zip*"), Is.Empty, "the temporary file is removed");
    }

    [Test]
    public void SaveAtomically_MissingFolder_NamesIt()
    {
        var ml = new MLContext();
        var model = ml.Model.Load(new MemoryStream(_zip), out var schema);
        var ex = Assert.Throws<DirectoryNotFoundException>(() => ml.Model.SaveAtomically(model, schema, Path.Combine(_dir, "no-such", "m.zip")));
        Assert.That(ex!.Message, Does.Contain("no-such"));
    }
}
