using System.IO.Compression;
using System.Text.Json;
using Microsoft.ML.Trm.Tests.Package;

namespace Microsoft.ML.Trm.Tests.Cli;

/// <summary>
/// The <c>trm</c> tool as a .NET tool: packs src/Microsoft.ML.Trm.Cli (<c>dotnet pack --no-build</c> of the build under
/// test), then in a temp folder outside the repository with a tool manifest and an empty NuGet cache
/// (<c>NUGET_PACKAGES</c>) installs it from the local feed only (<c>dotnet tool install --local</c>) and runs it:
/// <c>--version</c>, <c>info</c> (the backend loads; the GLIBCXX fix is in the packed library), and generate, train
/// two steps, solve. About a minute; the folder (the unpacked tool is about 600 MB) is deleted afterwards.
/// </summary>
[Category("Slow")]
public class ToolPackageTests
{
    [Test]
    public void PackedTool_InstallsWithAToolManifest_AndRuns()
    {
        var version = "0.1.0-tooltest." + DateTime.UtcNow.ToString("yyyyMMddHHmmss");
        var work = Directory.CreateTempSubdirectory("trm-tool-").FullName;
        var feed = Path.Combine(work, "feed");
        var cache = Path.Combine(work, "nuget-packages");
        try
        {
            var nupkg = PackedLibrary.PackProject("src/Microsoft.ML.Trm.Cli", feed, version);
            long bytes = new FileInfo(nupkg).Length;
            TestContext.Out.WriteLine($"tool package: {bytes / 1048576.0:F1} MiB");
            using (var zip = ZipFile.OpenRead(nupkg))
            {
                var natives = zip.Entries.Where(e => e.FullName.Contains("/runtimes/", StringComparison.Ordinal)).Select(e => e.FullName).ToList();
                Assert.That(natives, Has.Some.EndsWith("runtimes/linux-x64/native/libtorch_cpu.so"), "the CPU backend is bundled");
                Assert.That(natives, Has.Some.EndsWith("runtimes/linux-x64/native/libSkiaSharp.so"), "the chart renderer's native library");
                Assert.That(natives.Where(n => !n.Contains("/runtimes/linux-x64/", StringComparison.Ordinal)), Is.Empty, "only linux-x64 natives (the backend's platform)");
                Assert.That(zip.Entries.Any(e => e.FullName == "DotnetToolSettings.xml" || e.FullName.EndsWith("/DotnetToolSettings.xml", StringComparison.Ordinal)));
            }

            var app = Directory.CreateDirectory(Path.Combine(work, "app")).FullName;
            File.WriteAllText(Path.Combine(app, "NuGet.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <clear />
                    <add key="local" value="{feed}" />
                  </packageSources>
                </configuration>
                """);
            Dotnet(app, cache, TimeSpan.FromMinutes(1), "new", "tool-manifest");
            Dotnet(app, cache, TimeSpan.FromMinutes(3), "tool", "install", "--local", "Microsoft.ML.Trm.Cli", "--version", version, "--add-source", feed);

            Assert.That(Dotnet(app, cache, TimeSpan.FromMinutes(1), "tool", "list", "--local"), Does.Contain(version));
            var built = typeof(Microsoft.ML.Trm.Cli.Cli).Assembly.GetName().Version!.ToString(3); // --no-build: the package version is not compiled in
            Assert.That(Dotnet(app, cache, TimeSpan.FromMinutes(1), "tool", "run", "trm", "--", "--version").Trim(), Does.StartWith(built));
            using (var info = JsonDocument.Parse(Dotnet(app, cache, TimeSpan.FromMinutes(1), "tool", "run", "trm", "--", "info", "--json")))
            {
                var i = info.RootElement;
                Assert.That(i.GetProperty("backend").GetString(), Does.Contain("libtorch-cpu-linux-x64"));
                Assert.That(i.GetProperty("libLibTorchSharp").GetString(), Does.StartWith(cache), "the library of the installed tool");
                Assert.That(i.GetProperty("GLIBCXX fix").GetString(), Does.StartWith("applied").Or.StartWith("not needed"));
            }
            Dotnet(app, cache, TimeSpan.FromMinutes(1), "tool", "run", "trm", "--", "generate", "sudoku", "--size", "4", "--count", "64", "--out", "train.csv");
            Dotnet(app, cache, TimeSpan.FromMinutes(2), "tool", "run", "trm", "--", "train", "--data", "train.csv", "--max-steps", "2", "--out", "m.zip",
                "--set", "HiddenSize=16", "--set", "NumHeads=2", "--set", "BatchSize=16", "--threads", "1");
            Assert.That(Dotnet(app, cache, TimeSpan.FromMinutes(1), "tool", "run", "trm", "--", "solve", "--model", "m.zip", "143...1..32.2..3"), Does.Contain("valid: "));
            Assert.That(File.ReadAllBytes(Path.Combine(app, "m.zip.metrics.png"))[1..4], Is.EqualTo("PNG"u8.ToArray()));
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>Runs dotnet with its own NuGet cache; returns stdout (<see cref="PackedLibrary.Run"/> fails the test on a non-zero exit).</summary>
    private static string Dotnet(string workingDirectory, string nugetPackages, TimeSpan timeout, params string[] args)
        => PackedLibrary.Run(workingDirectory, nugetPackages, timeout, args).Stdout;
}
