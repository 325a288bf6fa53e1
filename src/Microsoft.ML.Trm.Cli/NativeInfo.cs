using System.Text;
using System.Text.Json;

namespace Microsoft.ML.Trm.Cli;

/// <summary>
/// What <c>trm info</c> reports about the native TorchSharp side: the backend packages the app was built with (from its
/// .deps.json) and whether the GLIBCXX fix (build/LibTorchSharp.targets) is applied to the libLibTorchSharp.so that the
/// process loaded — read from the ELF version-needs table: the fix marks GLIBCXX versions the system libstdc++ lacks as weak.
/// </summary>
internal static class NativeInfo
{
    private const ushort VerFlagWeak = 2;
    private const uint ShtGnuVerneed = 0x6ffffffe;

    /// <summary>libtorch / TorchSharp backend packages with versions, e.g. "libtorch-cpu-linux-x64 2.10.0".</summary>
    public static IReadOnlyList<string> BackendPackages()
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        string files = AppContext.GetData("APP_CONTEXT_DEPS_FILES") as string ?? "";
        foreach (var file in files.Split(';', StringSplitOptions.RemoveEmptyEntries).Where(File.Exists))
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(file));
            if (!doc.RootElement.TryGetProperty("libraries", out var libraries)) continue;
            foreach (var library in libraries.EnumerateObject())
            {
                var (name, version) = (library.Name.Split('/')[0], library.Name.Split('/').ElementAtOrDefault(1));
                if (name.StartsWith("libtorch-", StringComparison.OrdinalIgnoreCase) || name.StartsWith("TorchSharp-", StringComparison.OrdinalIgnoreCase))
                    found.Add($"{name} {version}");
            }
        }
        return found.ToList();
    }

    /// <summary>The libLibTorchSharp.so in use (loaded, else next to the app) and the state of the GLIBCXX fix in it.</summary>
    public static (string? Path, string Fix) LibTorchSharp()
    {
        if (!OperatingSystem.IsLinux()) return (null, "not needed (not Linux)");
        string? path = LoadedLibrary("libLibTorchSharp.so")
            ?? new[] { System.IO.Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so"), System.IO.Path.Combine(AppContext.BaseDirectory, "libLibTorchSharp.so") }.FirstOrDefault(File.Exists);
        if (path is null) return (null, "unknown (libLibTorchSharp.so not found)");
        var needs = GlibcxxNeeds(File.ReadAllBytes(path));
        string? systemLib = new[] { "/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6" }.FirstOrDefault(File.Exists);
        string provided = systemLib is null ? "" : Encoding.ASCII.GetString(File.ReadAllBytes(systemLib));
        var weak = needs.Where(n => n.Weak).Select(n => n.Name).ToList();
        var missing = needs.Where(n => !n.Weak && !provided.Contains(n.Name + "\0", StringComparison.Ordinal)).Select(n => n.Name).ToList();
        if (missing.Count > 0) return (path, $"NOT applied: needs {string.Join(", ", missing)}, which {systemLib ?? "the system libstdc++"} lacks");
        if (weak.Count > 0) return (path, $"applied ({string.Join(", ", weak)} marked weak)");
        return (path, "not needed (the system libstdc++ provides every GLIBCXX version the library asks for)");
    }

    private static string? LoadedLibrary(string fileName)
    {
        try
        {
            return File.ReadLines("/proc/self/maps").Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault())
                .FirstOrDefault(p => p is not null && p.EndsWith("/" + fileName, StringComparison.Ordinal));
        }
        catch (IOException) { return null; }
    }

    /// <summary>The GLIBCXX_* entries of an ELF64 little-endian file's version-needs table, with their weak flag.</summary>
    internal static List<(string Name, bool Weak)> GlibcxxNeeds(byte[] d)
    {
        var result = new List<(string, bool)>();
        if (d.Length < 64 || d[0] != 0x7f || d[1] != 'E' || d[2] != 'L' || d[3] != 'F' || d[4] != 2 || d[5] != 1) return result;
        long shoff = BitConverter.ToInt64(d, 0x28);
        int shentsize = BitConverter.ToUInt16(d, 0x3A), shnum = BitConverter.ToUInt16(d, 0x3C);
        for (int i = 0; i < shnum; i++)
        {
            int sh = (int)(shoff + (long)i * shentsize);
            if (BitConverter.ToUInt32(d, sh + 4) != ShtGnuVerneed) continue;
            long offset = BitConverter.ToInt64(d, sh + 0x18);
            int link = (int)BitConverter.ToUInt32(d, sh + 0x28), count = (int)BitConverter.ToUInt32(d, sh + 0x2C);
            long strings = BitConverter.ToInt64(d, (int)(shoff + (long)link * shentsize) + 0x18);
            long need = offset;
            for (int n = 0; n < count; n++)
            {
                int auxCount = BitConverter.ToUInt16(d, (int)need + 2);
                long aux = need + BitConverter.ToUInt32(d, (int)need + 8);
                for (int k = 0; k < auxCount; k++)
                {
                    int flags = BitConverter.ToUInt16(d, (int)aux + 4);
                    int nameAt = (int)(strings + BitConverter.ToUInt32(d, (int)aux + 8));
                    string name = Encoding.ASCII.GetString(d, nameAt, Array.IndexOf(d, (byte)0, nameAt) - nameAt);
                    if (name.StartsWith("GLIBCXX_", StringComparison.Ordinal)) result.Add((name, (flags & VerFlagWeak) != 0));
                    uint nextAux = BitConverter.ToUInt32(d, (int)aux + 12);
                    if (nextAux == 0) break;
                    aux += nextAux;
                }
                uint next = BitConverter.ToUInt32(d, (int)need + 12);
                if (next == 0) break;
                need += next;
            }
        }
        return result;
    }
}
