using System.Net.Http;
using System.Text.RegularExpressions;

namespace Microsoft.ML.Trm.Tests.Serve;

/// <summary>The <c>trm serve</c> command itself: options, errors, start and Ctrl+C stop.</summary>
[TestFixture]
[NonParallelizable]
public class ServeCliTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter(); var stderr = new StringWriter();
        int code = Microsoft.ML.Trm.Cli.Cli.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Test]
    public void Serve_HelpAndUsageErrors()
    {
        var help = Run("serve", "--help");
        Assert.That(help.Code, Is.EqualTo(0));
        Assert.That(help.Out, Does.Contain("--urls <URLS>").And.Contain("[default: http://127.0.0.1:5000]"));
        Assert.That(Run("--help").Out, Does.Contain("serve"));
        var noModel = Run("serve");
        Assert.That(noModel.Code, Is.EqualTo(2));
        Assert.That(noModel.Err, Does.Contain("'--model' is required"));
        var missing = Run("serve", "--model", Path.Combine(Path.GetTempPath(), "no-such-trm-model.zip"));
        Assert.That(missing.Code, Is.EqualTo(1));
        Assert.That(missing.Err, Does.Contain("model file not found"));
    }

    [Test]
    public async Task Serve_Command_ServesUntilCancelled()
    {
        using var cancel = new CancellationTokenSource();
        var stdout = new SyncWriter(); var stderr = new StringWriter();
        var run = Task.Run(() => Microsoft.ML.Trm.Cli.Cli.Run(new[] { "serve", "--model", ServeTestModel.ModelPath, "--urls", "http://127.0.0.1:0", "--threads", "1" }, stdout, stderr, cancel.Token));
        Match m = Match.Empty;
        for (int i = 0; i < 600 && !(m = Regex.Match(stdout.ToString(), @"on (http://127\.0\.0\.1:\d+)")).Success && !run.IsCompleted; i++) await Task.Delay(50);
        Assert.That(m.Success, $"no address printed: {stdout}{stderr}");
        using (var client = new HttpClient { BaseAddress = new Uri(m.Groups[1].Value) })
            Assert.That(await client.GetStringAsync("/health"), Does.Contain("ok"));
        cancel.Cancel();
        Assert.That(await run.WaitAsync(TimeSpan.FromSeconds(30)), Is.EqualTo(0), stderr.ToString());
        Assert.That(stdout.ToString(), Does.Contain("stopped."));
    }

    private sealed class SyncWriter : StringWriter
    {
        private readonly object _gate = new();
        public override void Write(char value) { lock (_gate) base.Write(value); }
        public override void Write(string? value) { lock (_gate) base.Write(value); }
        public override void WriteLine(string? value) { lock (_gate) base.WriteLine(value); }
        public override string ToString() { lock (_gate) return base.ToString(); }
    }
}
