using System.Diagnostics;
using System.IO.Compression;

namespace Microsoft.ML.Trm.Tests.Reliability;

/// <summary>
/// A real `trm train` process killed with SIGKILL in the middle of training, then started again with --resume, reaches
/// the same weights as a run that was never interrupted (same seed, CPU, one thread).
/// </summary>
public class KillAndResumeTests
{
    private static string TrmDll => Path.Combine(AppContext.BaseDirectory, "trm.dll");

    private static Process Start(string dir, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = dir };
        info.ArgumentList.Add(TrmDll);
        foreach (var a in args) info.ArgumentList.Add(a);
        var p = Process.Start(info)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine(); p.BeginErrorReadLine();
        return p;
    }

    private static int RunToEnd(string dir, params string[] args)
    {
        using var p = Start(dir, args);
        if (!p.WaitForExit(TimeSpan.FromMinutes(3))) { p.Kill(true); Assert.Fail("trm did not finish within 3 minutes"); }
        return p.ExitCode;
    }

    private static byte[] Weights(string zip)
    {
        using var archive = ZipFile.OpenRead(zip);
        using var s = archive.Entries.Single(e => e.FullName.EndsWith("TrmModel.bin", StringComparison.Ordinal)).Open();
        var ms = new MemoryStream(); s.CopyTo(ms);
        return ms.ToArray();
    }

    [Test]
    public void SigKilledTraining_ResumesToTheSameWeights()
    {
        Assume.That(File.Exists(TrmDll), "the trm tool is built next to the tests");
        var dir = Directory.CreateTempSubdirectory("trm-kill-").FullName;
        try
        {
            Assert.That(RunToEnd(dir, "generate", "sudoku", "--size", "4", "--count", "256", "--seed", "4", "--out", "train.csv"), Is.EqualTo(0));
            string[] Train(string output, params string[] extra) => new[]
            {
                "train", "--data", "train.csv", "--max-steps", "40", "--checkpoint-every", "4", "--threads", "1", "--out", output,
                "--set", "HiddenSize=32", "--set", "BatchSize=32", "--set", "EvaluateEverySteps=0",
            }.Concat(extra).ToArray();

            Assert.That(RunToEnd(dir, Train("straight.zip")), Is.EqualTo(0));

            var checkpoint = Path.Combine(dir, "killed.zip.checkpoints", "checkpoint.trmckpt");
            using (var victim = Start(dir, Train("killed.zip")))
            {
                var clock = Stopwatch.StartNew();
                while (!File.Exists(checkpoint) && !victim.HasExited && clock.Elapsed < TimeSpan.FromMinutes(2)) Thread.Sleep(20);
                Thread.Sleep(new Random(7).Next(50, 400));   // somewhere between checkpoints, possibly during a write
                Assert.That(victim.HasExited, Is.False, "the run must still be training when it is killed");
                victim.Kill(entireProcessTree: true);         // SIGKILL: no handler runs
                victim.WaitForExit();
            }
            Assert.That(File.Exists(Path.Combine(dir, "killed.zip")), Is.False, "a killed run leaves no model file");
            Assert.That(File.Exists(checkpoint), Is.True);

            Assert.That(RunToEnd(dir, Train("killed.zip", "--resume")), Is.EqualTo(0));
            Assert.That(Weights(Path.Combine(dir, "killed.zip")), Is.EqualTo(Weights(Path.Combine(dir, "straight.zip"))), "same weights, byte for byte");
        }
        finally { try { Directory.Delete(dir, true); } catch (IOException) { } }
    }
}
