// Microsoft.ML.Trm.ElfPatch: lets TorchSharp's libLibTorchSharp.so load on Linux systems whose libstdc++ is older
// than the GCC 13 it was linked with (GCC 12: Debian 12, Ubuntu 22.04: "GLIBCXX_3.4.32 not found", which TorchSharp
// reports as "doesn't contain a reference to libtorch-cpu-linux-x64").
//
// For each file given, it marks WEAK every libstdc++ version requirement (GLIBCXX_*, CXXABI_*) that no relocation
// depends on (ElfVersionNeeds.CanBeWeak). In TorchSharp 0.107 that is GLIBCXX_3.4.32 alone, needed only by GCC 13's
// bare reference to std::ios_base_library_init(). A weak requirement changes nothing where libstdc++ has the version;
// where it lacks it, glibc loads the library anyway. Requirements that real symbols need are left alone and reported.
// The edit is 2 bytes per requirement, idempotent, and made only on the copy it is given (the build's output or
// publish folder, never the NuGet cache). Missing files and non-ELF files are skipped.
//
// usage: dotnet Microsoft.ML.Trm.ElfPatch.dll [--check] <library.so>...
//   --check  report only, write nothing
// exit codes: 0 done (or nothing to do), 1 error (printed in MSBuild's "error TRMELF001:" format).
using Microsoft.ML.Trm.ElfPatch;

bool check = args.Contains("--check");
var files = args.Where(a => a != "--check").ToList();
if (files.Count == 0)
{
    Console.Error.WriteLine("usage: dotnet Microsoft.ML.Trm.ElfPatch.dll [--check] <library.so>...");
    return 1;
}

try
{
    foreach (var path in files)
    {
        if (!File.Exists(path)) continue;
        var bytes = File.ReadAllBytes(path);
        if (!ElfVersionNeeds.IsElf64LittleEndian(bytes))
        {
            Console.WriteLine($"{path}: not a 64-bit little-endian ELF file, left as it is.");
            continue;
        }
        var changed = ElfVersionNeeds.Weaken(bytes, IsLibstdcxxVersion);
        foreach (var need in changed)
            Console.WriteLine($"{path}: {need.Version} of {need.Library} marked weak " +
                $"(bound only to {Describe(need.Symbols)}, which no relocation uses){(check ? " [--check: not written]" : "")}.");
        foreach (var need in ElfVersionNeeds.Read(bytes).Where(n => IsLibstdcxxVersion(n) && !n.IsWeak && IsNewerThanGcc12(n.Version)))
            Console.WriteLine($"{path}: still requires {need.Version} of {need.Library} for {Describe(need.RelocatedSymbols)}; " +
                "a system with an older libstdc++ cannot load it.");
        if (changed.Count > 0 && !check)
            File.WriteAllBytes(path, bytes); // in place: keeps the file's mode
        else if (changed.Count == 0)
            Console.WriteLine($"{path}: nothing to change.");
    }
    return 0;
}
catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
{
    Console.Error.WriteLine($"Microsoft.ML.Trm.ElfPatch : error TRMELF001: {ex.Message}");
    return 1;
}

static bool IsLibstdcxxVersion(VersionNeed need)
    => need.Library.StartsWith("libstdc++.so", StringComparison.Ordinal)
       && (need.Version.StartsWith("GLIBCXX_", StringComparison.Ordinal) || need.Version.StartsWith("CXXABI_", StringComparison.Ordinal));

// GCC 12's libstdc++ (Debian 12, Ubuntu 22.04) ends at GLIBCXX_3.4.30 / CXXABI_1.3.13.
static bool IsNewerThanGcc12(string version)
    => version.StartsWith("GLIBCXX_3.4.", StringComparison.Ordinal) && int.TryParse(version["GLIBCXX_3.4.".Length..], out var minor) && minor > 30;

static string Describe(IReadOnlyList<string> symbols)
    => symbols.Count == 0 ? "no symbol" : symbols.Count <= 3 ? string.Join(", ", symbols) : $"{string.Join(", ", symbols.Take(3))} and {symbols.Count - 3} more";
