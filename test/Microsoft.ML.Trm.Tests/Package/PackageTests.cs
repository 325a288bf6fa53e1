using System.IO.Compression;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.ML.Trm.ElfPatch;
using Microsoft.ML.Trm.Tests.Docs;

namespace Microsoft.ML.Trm.Tests.Package;

/// <summary>
/// The packed Microsoft.ML.Trm (<see cref="PackedLibrary"/>) as users get it: its contents, then consumer console
/// projects in a temp folder outside this repository (no Directory.Build.*, the nuget.config of getting-started.md),
/// one per supported ML.NET version. Each builds, trains a <c>TrmSolver</c> on generated 4×4 Sudoku and saves it in one
/// process, then loads it with a plain Model.Load in a FRESH process and solves held-out puzzles with a
/// <c>PredictionEngine&lt;PuzzleInput, Prediction&gt;</c> whose input class has only <c>Puzzle</c>. The build
/// output's libLibTorchSharp.so must have gone through the package's own targets (the Debian 12 GLIBCXX fix).
/// </summary>
[Category("Slow")]
[Parallelizable(ParallelScope.Children)] // the consumers train on one thread each: two at once halve the wall time on 2 cores
public class PackageTests
{
    // 120 steps: 19/20 held-out puzzles solved (measured); about a minute on one core of an idle 2-core machine.
    // Time limits below are generous because CI machines are often shared; they catch hangs, not slowness.
    private const int TrainingSteps = 120;

    [Test]
    public void Package_HoldsTheLibrary_TheNativeLoadFix_AndTheSupportedMlNetRange()
    {
        using var zip = ZipFile.OpenRead(PackedLibrary.Instance.Nupkg);
        var entries = zip.Entries.Select(e => e.FullName).ToList();
        TestContext.Out.WriteLine(string.Join("\n", entries));
        Assert.That(entries, Is.SupersetOf(new[]
        {
            "README.md", "LICENSE", "lib/net10.0/Microsoft.ML.Trm.dll", "lib/net10.0/Microsoft.ML.Trm.xml", "Microsoft.ML.Trm.nuspec",
            "build/Microsoft.ML.Trm.targets", "buildTransitive/Microsoft.ML.Trm.targets",
            "tools/elfpatch/Microsoft.ML.Trm.ElfPatch.dll", "tools/elfpatch/Microsoft.ML.Trm.ElfPatch.runtimeconfig.json",
        }));
        Assert.That(entries.Where(e => e.EndsWith(".dll")), Is.EquivalentTo(new[] { "lib/net10.0/Microsoft.ML.Trm.dll", "tools/elfpatch/Microsoft.ML.Trm.ElfPatch.dll" }),
            "no weaver, no natives");

        using var nuspec = zip.GetEntry("Microsoft.ML.Trm.nuspec")!.Open();
        var doc = XDocument.Load(nuspec);
        XNamespace ns = doc.Root!.Name.Namespace;
        var metadata = doc.Root.Element(ns + "metadata")!;
        Assert.That((string?)metadata.Element(ns + "license"), Is.EqualTo("MIT"));
        Assert.That((string?)metadata.Element(ns + "readme"), Is.EqualTo("README.md"));
        var dependencies = metadata.Descendants(ns + "dependency").ToDictionary(d => (string)d.Attribute("id")!, d => (string)d.Attribute("version")!);
        Assert.That(dependencies.Keys.Order(), Is.EqualTo(new[] { "Google.Protobuf", "Microsoft.ML", "TorchSharp" }),
            "ML.NET, TorchSharp and Google.Protobuf (ONNX export), never a native backend");
        Assert.That(dependencies["Microsoft.ML"], Is.EqualTo("[5.0.1, 7.0.0)"), "ML.NET 5.0.1 up to 6.x");

        // The woven assembly is the one packed: MlNetWeaver adds ML.NET's [assembly: LoadableClass] after compile.
        using var dll = zip.GetEntry("lib/net10.0/Microsoft.ML.Trm.dll")!.Open();
        using var bytes = new MemoryStream();
        dll.CopyTo(bytes);
        Assert.That(System.Text.Encoding.ASCII.GetString(bytes.ToArray()), Does.Contain("LoadableClassAttribute"), "packed dll is woven");

        // The package README tells users what the package does for them, not to copy a repository file.
        using var readme = new StreamReader(zip.GetEntry("README.md")!.Open());
        Assert.That(readme.ReadToEnd(), Does.Not.Contain("build/LibTorchSharp.targets"));
    }

    [TestCase("5.0.1", false)]
    [TestCase("6.0.0", true)]
    public void Consumer_OutsideTheRepository_TrainsSaves_ThenLoadsAndSolvesInAFreshProcess(string mlNetVersion, bool publish)
    {
        var library = PackedLibrary.Instance;
        var app = library.NewConsumerFolder("consumer-mlnet-" + mlNetVersion);
        // 5.0.1 is the lowest of the package's range: restore picks it with no explicit reference; 6.0.0 is asked for.
        var mlNetReference = mlNetVersion == "5.0.1" ? "" : $"""<PackageReference Include="Microsoft.ML" Version="{mlNetVersion}" />""";
        File.WriteAllText(Path.Combine(app, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <PlatformTarget>x64</PlatformTarget>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Microsoft.ML.Trm" Version="{library.Version}" />
                <PackageReference Include="libtorch-cpu-linux-x64" Version="2.10.0" />
                {mlNetReference}
              </ItemGroup>
            </Project>
            """);
        File.Copy(Path.Combine(DocsSnippetTests.RepoRoot(), "test/Microsoft.ML.Trm.Tests/Package/ConsumerProgram.cs.txt"), Path.Combine(app, "Program.cs"));

        var build = PackedLibrary.Dotnet(app, TimeSpan.FromMinutes(8), "build", "-c", "Release", "--nologo", "-v:n");
        var output = Path.Combine(app, "bin", "Release", "net10.0");
        var native = Path.Combine(output, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.That(File.Exists(native), native);
        Assert.That(ElfVersionNeeds.Read(File.ReadAllBytes(native)).Single(n => n.Version == "GLIBCXX_3.4.32").IsWeak, Is.True,
            "the package's build targets patched the consumer's copy\n" + build);
        Assert.That(build, Does.Contain("GLIBCXX_3.4.32 of libstdc++.so.6 marked weak"));

        if (publish)
        {
            // dotnet publish copies the library again, from the NuGet cache: the package's Publish target patches that copy.
            var published = PackedLibrary.Dotnet(app, TimeSpan.FromMinutes(5), "publish", "-c", "Release", "--no-build", "-o", "published", "--nologo", "-v:n");
            var publishedNative = Path.Combine(app, "published", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
            Assert.That(ElfVersionNeeds.Read(File.ReadAllBytes(publishedNative)).Single(n => n.Version == "GLIBCXX_3.4.32").IsWeak, Is.True,
                "the package's publish target patched the published copy\n" + published);
            Directory.Delete(Path.Combine(app, "published"), recursive: true);
        }

        var dll = Path.Combine(output, "Consumer.dll");
        var trained = PackedLibrary.Dotnet(app, TimeSpan.FromMinutes(12), dll, "train", "model.zip", TrainingSteps.ToString());
        TestContext.Out.WriteLine(trained);
        Assert.That(trained, Does.Contain($"Microsoft.ML {mlNetVersion}"), "the consumer runs the ML.NET version it asked for");
        Assert.That(trained, Does.Contain("PACKAGE-OK trained"));

        var solved = PackedLibrary.Dotnet(app, TimeSpan.FromMinutes(4), dll, "solve", "model.zip");
        TestContext.Out.WriteLine(solved);
        Assert.That(solved, Does.Match(@"input schema: Puzzle\r?\n"), "the saved model asks for the puzzle only");
        var match = Regex.Match(solved, @"PACKAGE-OK solved (\d+)/20");
        Assert.That(match.Success, solved);
        Assert.That(int.Parse(match.Groups[1].Value), Is.GreaterThanOrEqualTo(10), $"{TrainingSteps} steps of the tiny preset solve most held-out 4×4 puzzles\n{solved}");
    }
}
