using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;
using Microsoft.ML.Trm.Tests.Docs;

namespace Microsoft.ML.Trm.Tests.Package;

/// <summary>
/// Packs Microsoft.ML.Trm (from the build under test: <c>dotnet pack --no-build</c>), checks the .nupkg, then installs
/// it into a fresh console project outside the repository from a local folder source plus nuget.org, trains 150
/// steps on 4×4 Sudoku (about a minute), saves, loads with a plain <c>Model.Load</c> and solves held-out puzzles: the package works outside the
/// solution. A unique pre-release version keeps the global NuGet cache from serving a stale copy; that cache entry is
/// deleted afterwards. The consumer imports build/LibTorchSharp.targets (the Debian 12 GLIBCXX fix).
/// </summary>
[Category("Slow")]
public class PackageTests
{
    [Test]
    public void PackedLibrary_InstallsIntoAFreshProject_TrainsSavesLoadsAndSolves()
    {
        var root = DocsSnippetTests.RepoRoot();
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}") ? "Debug" : "Release";
        var version = "0.1.0-pkgtest." + DateTime.UtcNow.ToString("yyyyMMddHHmmss");
        var work = Directory.CreateTempSubdirectory("trm-package-").FullName;
        var feed = Path.Combine(work, "feed");
        var cached = Path.Combine(GlobalPackagesFolder(), "microsoft.ml.trm", version);
        try
        {
            Dotnet(root, TimeSpan.FromMinutes(2), "pack", Path.Combine(root, "src/Microsoft.ML.Trm"), "-c", configuration, "--no-build",
                "-o", feed, "-p:Version=" + version, "--nologo");
            var nupkg = Path.Combine(feed, $"Microsoft.ML.Trm.{version}.nupkg");
            CheckPackage(nupkg);

            var app = Directory.CreateDirectory(Path.Combine(work, "consumer")).FullName;
            File.WriteAllText(Path.Combine(app, "NuGet.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <clear />
                    <add key="local" value="{feed}" />
                    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
                  </packageSources>
                </configuration>
                """);
            File.WriteAllText(Path.Combine(app, "Consumer.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <Nullable>enable</Nullable>
                    <PlatformTarget>x64</PlatformTarget>
                    <!-- Turns on the GLIBCXX fix of LibTorchSharp.targets (Debian 12). -->
                    <UsesTorchBackend>true</UsesTorchBackend>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="Microsoft.ML.Trm" Version="{version}" />
                    <PackageReference Include="libtorch-cpu-linux-x64" Version="2.10.0" />
                  </ItemGroup>
                  <Import Project="{Path.Combine(root, "build/LibTorchSharp.targets")}" />
                </Project>
                """);
            File.Copy(Path.Combine(root, "test/Microsoft.ML.Trm.Tests/Package/ConsumerProgram.cs.txt"), Path.Combine(app, "Program.cs"));

            var output = Dotnet(app, TimeSpan.FromMinutes(5), "run", "-c", "Release", "--nologo");
            TestContext.Out.WriteLine(output);
            var match = System.Text.RegularExpressions.Regex.Match(output, @"PACKAGE-OK solved (\d+)/20");
            Assert.That(match.Success, output);
            Assert.That(int.Parse(match.Groups[1].Value), Is.GreaterThanOrEqualTo(10), "150 steps of the tiny preset solve most held-out 4×4 puzzles\n" + output);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
            if (Directory.Exists(cached)) Directory.Delete(cached, recursive: true);
        }
    }

    private static void CheckPackage(string nupkg)
    {
        using var zip = ZipFile.OpenRead(nupkg);
        var entries = zip.Entries.Select(e => e.FullName).ToList();
        TestContext.Out.WriteLine(string.Join("\n", entries));
        Assert.That(entries, Is.SupersetOf(new[] { "README.md", "LICENSE", "lib/net10.0/Microsoft.ML.Trm.dll", "lib/net10.0/Microsoft.ML.Trm.xml", "Microsoft.ML.Trm.nuspec" }));
        Assert.That(entries.Where(e => e.EndsWith(".dll")), Is.EqualTo(new[] { "lib/net10.0/Microsoft.ML.Trm.dll" }), "no weaver, no natives");

        using var nuspec = zip.GetEntry("Microsoft.ML.Trm.nuspec")!.Open();
        var doc = XDocument.Load(nuspec);
        XNamespace ns = doc.Root!.Name.Namespace;
        var metadata = doc.Root.Element(ns + "metadata")!;
        Assert.That((string?)metadata.Element(ns + "license"), Is.EqualTo("MIT"));
        Assert.That((string?)metadata.Element(ns + "readme"), Is.EqualTo("README.md"));
        var dependencies = metadata.Descendants(ns + "dependency").Select(d => (string)d.Attribute("id")!).OrderBy(d => d).ToList();
        Assert.That(dependencies, Is.EqualTo(new[] { "Microsoft.ML", "TorchSharp" }), "ML.NET and TorchSharp, never a native backend");

        // The woven assembly is the one packed: MlNetWeaver adds ML.NET's [assembly: LoadableClass] after compile.
        using var dll = zip.GetEntry("lib/net10.0/Microsoft.ML.Trm.dll")!.Open();
        using var bytes = new MemoryStream();
        dll.CopyTo(bytes);
        Assert.That(System.Text.Encoding.ASCII.GetString(bytes.ToArray()), Does.Contain("LoadableClassAttribute"), "packed dll is woven");
    }

    private static string GlobalPackagesFolder() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p ? p
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    private static string Dotnet(string workingDirectory, TimeSpan timeout, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        // A build started from inside `dotnet test` must not inherit the outer MSBuild's settings.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(key);
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"dotnet {string.Join(' ', args)} did not finish within {timeout}:\n{stdout.Result}\n{stderr.Result}");
        }
        process.WaitForExit();
        var output = stdout.Result + stderr.Result;
        TestContext.Out.WriteLine($"dotnet {string.Join(' ', args)}: exit {process.ExitCode} in {watch.Elapsed.TotalSeconds:F0} s");
        Assert.That(process.ExitCode, Is.EqualTo(0), $"dotnet {string.Join(' ', args)} failed:\n{output}");
        return output;
    }
}
