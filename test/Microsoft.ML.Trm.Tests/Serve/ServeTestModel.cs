using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.ML.Trm.Cli;

namespace Microsoft.ML.Trm.Tests.Serve;

/// <summary>
/// One tiny 4×4 Sudoku model for all Serve tests, trained once per test run through <c>trm train</c>
/// (128 generated puzzles, 20 steps, hidden size 32: a few seconds on one core).
/// </summary>
internal static class ServeTestModel
{
    private static readonly Lazy<string> LazyPath = new(Train, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly string Dir = Path.Combine(Path.GetTempPath(), "trm-serve-tests-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>The model zip.</summary>
    public static string ModelPath => LazyPath.Value;

    /// <summary>A 4×4 puzzle with a unique solution (1432321443212143; /generate?kind=sudoku&seed=3).</summary>
    public const string Puzzle = "143...1..32.2..3";

    private static string Train()
    {
        Directory.CreateDirectory(Dir);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => { try { Directory.Delete(Dir, true); } catch (IOException) { } };
        string data = Path.Combine(Dir, "train.csv"), model = Path.Combine(Dir, "tiny.zip");
        Check(Run("generate", "sudoku", "--size", "4", "--count", "128", "--seed", "5", "--out", data));
        Check(Run("train", "--data", data, "--max-steps", "20", "--out", model, "--threads", "1",
            "--set", "HiddenSize=32", "--set", "BatchSize=32", "--set", "InferenceBatchSize=32", "--set", "LogEverySteps=10"));
        return model;
    }

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter(); var stderr = new StringWriter();
        int code = Microsoft.ML.Trm.Cli.Cli.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static void Check((int Code, string Out, string Err) r)
    {
        if (r.Code != 0) throw new InvalidOperationException($"trm exited with {r.Code}: {r.Err}\n{r.Out}");
    }
}

/// <summary>The real service on a loopback port chosen by the OS, with an HttpClient to it.</summary>
internal sealed class RunningServer : IAsyncDisposable
{
    private RunningServer(WebApplication app, ServeModel model)
    {
        App = app; Model = model;
        BaseAddress = new Uri(app.Urls.Single(u => u.StartsWith("http://127.0.0.1:", StringComparison.Ordinal)));
        Client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public WebApplication App { get; }
    public ServeModel Model { get; }
    public Uri BaseAddress { get; }
    public HttpClient Client { get; }

    public static async Task<RunningServer> StartAsync(string modelPath)
    {
        var model = ServeModel.Load(new MLContext(0), modelPath);
        var app = TrmServer.Build(model, new[] { "http://127.0.0.1:0" });
        await app.StartAsync();
        return new RunningServer(app, model);
    }

    public async Task<(int Status, JsonElement Body)> PostSolveAsync(string puzzle)
    {
        using var r = await Client.PostAsJsonAsync("/solve", new { puzzle });
        return ((int)r.StatusCode, JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
