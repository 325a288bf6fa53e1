using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.ML.Trm.ElfPatch;
using Microsoft.ML.Trm.Tests.Docs;

namespace Microsoft.ML.Trm.Tests.Package;

/// <summary>
/// The Linux native-load fix (src/Microsoft.ML.Trm.ElfPatch) on the real libLibTorchSharp.so of the TorchSharp package
/// this test project restored (found through obj/project.assets.json, so wherever NuGet keeps its packages).
/// The package's targets and the consumer build are covered by <see cref="PackageTests"/>.
/// </summary>
public class ElfPatchTests
{
    private const string IosBaseLibraryInit = "_ZSt21ios_base_library_initv";

    [Test]
    public void RealLibrary_NeedsGlibcxx3432_OnlyForASymbolNoRelocationUses()
    {
        var needs = ElfVersionNeeds.Read(File.ReadAllBytes(CachedLibTorchSharp()));
        var v3432 = needs.Single(n => n.Version == "GLIBCXX_3.4.32");
        Assert.That(v3432.Library, Is.EqualTo("libstdc++.so.6"));
        Assert.That(v3432.IsWeak, Is.False, "the package's library is unpatched");
        Assert.That(v3432.Symbols, Is.EqualTo(new[] { IosBaseLibraryInit }));
        Assert.That(v3432.CanBeWeak, Is.True);

        // GLIBCXX_3.4.30 binds std::condition_variable::wait through a PLT slot: a real need, never weakened.
        var v3430 = needs.Single(n => n.Version == "GLIBCXX_3.4.30");
        Assert.That(v3430.RelocatedSymbols, Has.Some.Contains("condition_variable4wait"));
        Assert.That(v3430.CanBeWeak, Is.False);
        Assert.That(needs.Where(n => n.Library == "libstdc++.so.6").Count(n => n.CanBeWeak), Is.EqualTo(1), "only 3.4.32 is a bare reference");
    }

    [Test]
    public void Weaken_ChangesOneFlagByte_LeavesTheCacheAlone_AndIsIdempotent()
    {
        var cached = CachedLibTorchSharp();
        var hashBefore = SHA256.HashData(File.ReadAllBytes(cached));
        var original = File.ReadAllBytes(cached);
        var patched = (byte[])original.Clone();

        var changed = ElfVersionNeeds.Weaken(patched, n => n.Library.StartsWith("libstdc++"));
        Assert.That(changed.Select(n => n.Version), Is.EqualTo(new[] { "GLIBCXX_3.4.32" }));
        var differing = Enumerable.Range(0, original.Length).Where(i => original[i] != patched[i]).ToList();
        Assert.That(differing, Is.EqualTo(new[] { (int)changed[0].FlagsOffset }), "one byte: VER_FLG_WEAK in vna_flags");
        Assert.That(ElfVersionNeeds.Read(patched).Single(n => n.Version == "GLIBCXX_3.4.32").IsWeak, Is.True);

        var again = (byte[])patched.Clone();
        Assert.That(ElfVersionNeeds.Weaken(again, _ => true), Is.Empty, "a second run changes nothing");
        Assert.That(again, Is.EqualTo(patched));
        Assert.That(SHA256.HashData(File.ReadAllBytes(cached)), Is.EqualTo(hashBefore), "the NuGet cache copy is never written");
    }

    [Test]
    public void NotElf_IsRefusedWithInvalidData()
    {
        Assert.That(ElfVersionNeeds.IsElf64LittleEndian("#!/bin/sh\n"u8), Is.False);
        Assert.Throws<InvalidDataException>(() => ElfVersionNeeds.Read(new byte[100]));
        var truncated = File.ReadAllBytes(CachedLibTorchSharp())[..4096];
        Assert.Throws<InvalidDataException>(() => ElfVersionNeeds.Read(truncated), "section table beyond the end");
    }

    /// <summary>The glibc loader itself (ldd) on a copy before and after the patch, next to this build's libtorch.</summary>
    [Test]
    public void Loader_RejectsTheUnpatchedLibrary_WhereLibstdcxxIsOld_AndAcceptsThePatchedOne()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/usr/bin/ldd"))
            Assert.Ignore("needs Linux and ldd");
        var natives = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native");
        Assume.That(File.Exists(Path.Combine(natives, "libtorch.so")), "libtorch-cpu-linux-x64 natives next to the tests");
        var dir = Directory.CreateTempSubdirectory("trm-elfpatch-").FullName;
        try
        {
            var copy = Path.Combine(dir, "libLibTorchSharp.so");
            File.Copy(CachedLibTorchSharp(), copy);
            bool systemHas3432 = SystemLibstdcxx() is { } lib && File.ReadAllText(lib).Contains("GLIBCXX_3.4.32\0");
            var before = Ldd(copy, natives);
            Assert.That(before.Contains("version `GLIBCXX_3.4.32' not found") && !before.Contains("weak version"), Is.EqualTo(!systemHas3432), before);

            var tool = Tool();
            var (exit, output) = Run("dotnet", tool, copy);
            Assert.That(exit, Is.EqualTo(0), output);
            Assert.That(output, Does.Contain("GLIBCXX_3.4.32 of libstdc++.so.6 marked weak"));
            var after = Ldd(copy, natives);
            Assert.That(after, Does.Not.Match(@"(?<!weak )version `[^']+' not found"), after);
            Assert.That(after, Does.Contain("libtorch.so =>"), after);

            (exit, output) = Run("dotnet", tool, copy);
            Assert.That(output, Does.Contain("nothing to change"), output);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>This build's own output copy went through build/LibTorchSharp.targets (the package's targets).</summary>
    [Test]
    public void ThisBuildsOutputCopy_IsPatched()
    {
        var output = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assume.That(File.Exists(output), "built with a Linux backend");
        Assert.That(ElfVersionNeeds.Read(File.ReadAllBytes(output)).Single(n => n.Version == "GLIBCXX_3.4.32").IsWeak, Is.True);
    }

    /// <summary>libLibTorchSharp.so in the TorchSharp package restored for this test project.</summary>
    internal static string CachedLibTorchSharp()
    {
        var assets = Path.Combine(DocsSnippetTests.RepoRoot(), "test", "Microsoft.ML.Trm.Tests", "obj", "project.assets.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(assets));
        var library = doc.RootElement.GetProperty("libraries").EnumerateObject()
            .First(l => l.Name.StartsWith("TorchSharp/", StringComparison.OrdinalIgnoreCase)).Value.GetProperty("path").GetString()!;
        foreach (var folder in doc.RootElement.GetProperty("packageFolders").EnumerateObject())
        {
            var path = Path.Combine(folder.Name, library, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
            if (File.Exists(path)) return path;
        }
        throw new FileNotFoundException($"libLibTorchSharp.so of {library} not found in the package folders of {assets}");
    }

    /// <summary>The tool built from src/Microsoft.ML.Trm.ElfPatch (same configuration as these tests).</summary>
    internal static string Tool()
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}") ? "Debug" : "Release";
        var tool = Path.Combine(DocsSnippetTests.RepoRoot(), "src", "Microsoft.ML.Trm.ElfPatch", "bin", configuration, "net10.0", "Microsoft.ML.Trm.ElfPatch.dll");
        Assert.That(File.Exists(tool), tool);
        return tool;
    }

    private static string? SystemLibstdcxx() => new[]
        { "/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6" }.FirstOrDefault(File.Exists);

    private static string Ldd(string library, string libraryPath)
    {
        var start = new ProcessStartInfo("/usr/bin/ldd", library) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["LD_LIBRARY_PATH"] = libraryPath;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return output;
    }

    private static (int Exit, string Output) Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }
}
