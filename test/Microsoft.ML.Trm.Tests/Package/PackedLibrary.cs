using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.ML.Trm.Tests.Docs;

namespace Microsoft.ML.Trm.Tests.Package;

/// <summary>
/// One <c>dotnet pack</c> of Microsoft.ML.Trm per test run (from the build under test, <c>--no-build</c>), shared by
/// the package tests, and the throw-away consumer folders they create under the system temp folder, outside this
/// repository, where no Directory.Build.* applies.
/// </summary>
/// <remarks>
/// NuGet cache: the version is unique per run (<c>0.1.0-pkgtest.&lt;time&gt;.&lt;pid&gt;</c>), so restore can only
/// take OUR package from the fresh .nupkg, never from the global packages folder; that cache entry is deleted at the
/// end. Microsoft.ML, TorchSharp and libtorch come from the global packages folder as for any user (restored once,
/// not downloaded again on every run).
/// </remarks>
[SetUpFixture]
public sealed class PackedLibrary
{
    private static readonly Lazy<PackedLibrary> Shared = new(Pack, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly string Work = Path.Combine(Path.GetTempPath(), $"trm-package-{Environment.ProcessId}-{DateTime.UtcNow:HHmmss}");

    private PackedLibrary(string nupkg, string version)
    {
        Nupkg = nupkg;
        Version = version;
    }

    /// <summary>Parameterless constructor for NUnit's set-up fixture.</summary>
    public PackedLibrary() : this("", "") { }

    /// <summary>The packed library (packs on first use).</summary>
    public static PackedLibrary Instance => Shared.Value;

    /// <summary>Path of Microsoft.ML.Trm.&lt;version&gt;.nupkg.</summary>
    public string Nupkg { get; }

    /// <summary>The unique version of this run.</summary>
    public string Version { get; }

    /// <summary>Deletes the consumer folders and this run's entry in the global packages folder.</summary>
    [OneTimeTearDown]
    public void CleanUp()
    {
        if (Directory.Exists(Work)) Directory.Delete(Work, recursive: true);
        if (Shared.IsValueCreated)
        {
            var cached = Path.Combine(GlobalPackagesFolder(), "microsoft.ml.trm", Shared.Value.Version);
            if (Directory.Exists(cached)) Directory.Delete(cached, recursive: true);
        }
    }

    /// <summary>
    /// A new empty folder for one consumer, outside the repository, holding the nuget.config of docs/getting-started.md
    /// (verbatim) and the .nupkg in its <c>packages/</c> folder, as that page tells users to set it up.
    /// </summary>
    public string NewConsumerFolder(string name)
    {
        var folder = Directory.CreateDirectory(Path.Combine(Work, name)).FullName;
        for (var dir = new DirectoryInfo(folder); dir != null; dir = dir.Parent)
            foreach (var file in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
                Assert.That(File.Exists(Path.Combine(dir.FullName, file)), Is.False, $"{file} above the consumer in {dir.FullName} would change the build");
        File.WriteAllText(Path.Combine(folder, "nuget.config"), DocsNuGetConfig());
        var packages = Directory.CreateDirectory(Path.Combine(folder, "packages")).FullName;
        File.Copy(Nupkg, Path.Combine(packages, Path.GetFileName(Nupkg)));
        return folder;
    }

    /// <summary>The ```xml block of docs/getting-started.md that holds the nuget.config.</summary>
    public static string DocsNuGetConfig()
    {
        var page = File.ReadAllText(Path.Combine(DocsSnippetTests.RepoRoot(), "docs", "getting-started.md")).Replace("\r", "");
        var block = Regex.Matches(page, @"```xml\n(.*?)```", RegexOptions.Singleline).Select(m => m.Groups[1].Value)
            .SingleOrDefault(b => b.Contains("<packageSources>"));
        Assert.That(block, Is.Not.Null, "docs/getting-started.md shows one nuget.config");
        return block!;
    }

    /// <summary>The configuration of the build under test (Debug or Release), which the packs reuse (<c>--no-build</c>).</summary>
    public static string Configuration =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}") ? "Debug" : "Release";

    /// <summary>
    /// <c>dotnet pack --no-build</c> of <paramref name="project"/> (a folder under the repository root, e.g.
    /// <c>src/Microsoft.ML.Trm</c>) into <paramref name="feed"/> as <paramref name="version"/>; returns the .nupkg's path.
    /// </summary>
    public static string PackProject(string project, string feed, string version)
    {
        var root = DocsSnippetTests.RepoRoot();
        Dotnet(root, TimeSpan.FromMinutes(5), "pack", Path.Combine(root, project), "-c", Configuration, "--no-build", "-o", feed, "-p:Version=" + version, "--nologo");
        return Path.Combine(feed, $"{Path.GetFileName(project)}.{version}.nupkg");
    }

    /// <summary>Runs <c>dotnet</c> with a clean MSBuild environment; returns stdout and stderr; fails the test on a non-zero exit.</summary>
    public static string Dotnet(string workingDirectory, TimeSpan timeout, params string[] args)
    {
        var (stdout, stderr) = Run(workingDirectory, nugetPackages: null, timeout, args);
        return stdout + stderr;
    }

    /// <summary>
    /// Runs <c>dotnet</c> with a clean MSBuild environment and, when <paramref name="nugetPackages"/> is set, its own
    /// global packages folder (<c>NUGET_PACKAGES</c>); fails the test on a non-zero exit or after <paramref name="timeout"/>.
    /// </summary>
    public static (string Stdout, string Stderr) Run(string workingDirectory, string? nugetPackages, TimeSpan timeout, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        // A build started from inside `dotnet test` must not inherit the outer MSBuild's settings.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(key);
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        if (nugetPackages is not null) start.Environment["NUGET_PACKAGES"] = nugetPackages;
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
        TestContext.Out.WriteLine($"dotnet {string.Join(' ', args)}: exit {process.ExitCode} in {watch.Elapsed.TotalSeconds:F0} s");
        Assert.That(process.ExitCode, Is.EqualTo(0), $"dotnet {string.Join(' ', args)} failed:\n{stdout.Result}{stderr.Result}");
        return (stdout.Result, stderr.Result);
    }

    private static PackedLibrary Pack()
    {
        var version = $"0.1.0-pkgtest.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";
        var feed = Directory.CreateDirectory(Path.Combine(Work, "feed")).FullName;
        return new PackedLibrary(PackProject("src/Microsoft.ML.Trm", feed, version), version);
    }

    private static string GlobalPackagesFolder() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p ? p
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
}
