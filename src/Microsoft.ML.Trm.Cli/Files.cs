using System.Globalization;
using System.Text;

namespace Microsoft.ML.Trm.Cli;

/// <summary>Atomic output: every file is written to a temporary name in the same folder, then renamed over the target.</summary>
public static class Files
{
    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>; on failure the target is untouched.</summary>
    public static void WriteAtomic(string path, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        string? dir = Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        string temp = Path.Combine(dir ?? ".", $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Writes text (UTF-8, no BOM) atomically.</summary>
    public static void WriteTextAtomic(string path, string text) =>
        WriteAtomic(path, s => { var bytes = new UTF8Encoding(false).GetBytes(text); s.Write(bytes); });

    /// <summary>Writes through a <see cref="TextWriter"/> atomically.</summary>
    public static void WriteTextAtomic(string path, Action<TextWriter> write) =>
        WriteAtomic(path, s => { using var w = new StreamWriter(s, new UTF8Encoding(false), leaveOpen: true); write(w); });

    public static string F(double v, string format = "G6") => v.ToString(format, CultureInfo.InvariantCulture);
}
