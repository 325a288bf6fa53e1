using System.CommandLine;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.ML.Trm.Data;

namespace Microsoft.ML.Trm.Cli;

using Command = System.CommandLine.Command; // not the namespace Microsoft.ML.Command

public static partial class Cli
{
    private static Command ServeCommand(Io io, CommonOptions common)
    {
        var model = Opt.Required<string>("--model", "MODEL.zip", "Model zip of 'trm train' (Sudoku or maze); read once, never written.");
        var urls = Opt.Default("--urls", "URLS", "Addresses to listen on, separated by ';' (port 0: any free port).", "http://127.0.0.1:5000");
        var command = common.AddTo(new Command("serve", "Serve a model zip over HTTP: POST /solve (JSON), GET /health, /model, /generate, and a page at / " +
            "that shows the answer after each supervision step. Ctrl+C stops the server; see docs/serving.md for the API.") { model, urls });
        command.SetAction(r =>
        {
            var ml = NewContext(r, common);
            var loaded = ServeModel.Load(ml, r.GetValue(model)!);
            SetThreads(r, common);
            return Serve(loaded, r.GetValue(model)!, r.GetValue(urls)!, io);
        });
        return command;
    }

    private static int Serve(ServeModel model, string modelPath, string urlList, Io io)
    {
        var urls = urlList.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (urls.Length == 0) throw new UsageException("--urls needs at least one address, e.g. http://127.0.0.1:5000.");
        var app = TrmServer.Build(model, urls, io.Verbose);
        try { app.StartAsync(io.Cancel).GetAwaiter().GetResult(); }
        catch (IOException e) { throw new CliException($"cannot listen on {string.Join(", ", urls)}: {e.Message}", e); }
        io.Line($"serving {modelPath} ({model.Loaded.Codec.Id}, {model.Loaded.Trm.ParameterCount:N0} parameters) on {string.Join(", ", app.Urls)}");
        io.Line("open the address in a browser, or POST {\"puzzle\": \"...\"} to /solve; Ctrl+C stops.");
        // Ctrl+C (the tool's token) or SIGTERM (the host's console lifetime stops the application).
        using (var stop = CancellationTokenSource.CreateLinkedTokenSource(io.Cancel, app.Lifetime.ApplicationStopping))
        {
            try { Task.Delay(Timeout.Infinite, stop.Token).Wait(); }
            catch (AggregateException e) when (e.InnerException is TaskCanceledException) { }
        }
        app.StopAsync().GetAwaiter().GetResult();
        ((IDisposable)app).Dispose();
        io.Line("stopped.");
        return Ok;
    }
}

/// <summary>One step of the model's answer: the predicted grid after a supervision step and the halt probability then.</summary>
public sealed record ServeStep(string Grid, float Confidence);

/// <summary>What <c>POST /solve</c> returns.</summary>
public sealed record ServeSolution(string Solution, bool Valid, string? Problem, float Confidence, IReadOnlyList<ServeStep> Steps);

/// <summary>
/// A model zip of <c>trm train</c> loaded once for serving. <see cref="Solve"/> is thread-safe: the TRM transformer's
/// <see cref="TrmTransformer.Predict"/> serialises forward passes on one network.
/// </summary>
public sealed class ServeModel
{
    private ServeModel(ModelFile.Loaded loaded, string path) { Loaded = loaded; Path = path; }

    public ModelFile.Loaded Loaded { get; }
    public string Path { get; }

    /// <summary>Loads the zip (read only) with <c>mlContext.Model.Load</c>; refuses ARC models (they need puzzle identifiers).</summary>
    public static ServeModel Load(MLContext ml, string path)
    {
        var loaded = ModelFile.Load(ml, path);
        if (loaded.UsesPuzzleId || loaded.Codec is not (SudokuCodec or MazeCodec))
            throw new CliException($"{path}: 'trm serve' handles Sudoku and maze models; this one is '{loaded.Codec.Id}'.");
        return new ServeModel(loaded, path);
    }

    /// <summary>Solves one puzzle and records the answer after every supervision step.</summary>
    /// <exception cref="PuzzleFormatException">The text is not a puzzle of the model's format, or its givens contradict each other.</exception>
    public ServeSolution Solve(string puzzle)
    {
        var codec = Loaded.Codec;
        int[] tokens = codec.Encode(puzzle);
        if (PuzzleChecks.FindContradiction(codec, puzzle) is { } contradiction) throw new PuzzleFormatException(contradiction);
        var s = Loaded.Trm.Predict(new[] { tokens }, recordSteps: true)[0];
        string solution = codec.Decode(s.Tokens);
        var steps = new List<ServeStep>();
        for (int i = 0; i < (s.StepTokens?.Count ?? 0); i++)
            steps.Add(new ServeStep(codec.Decode(s.StepTokens![i]), s.StepConfidences![i]));
        string? problem = codec switch
        {
            SudokuCodec sc => !SudokuRules.KeepsGivens(puzzle, solution, sc.Size) ? "the answer changes a given"
                : solution.Contains('.') ? "cells left blank"
                : SudokuRules.IsValidSolution(solution, sc.Size) ? null
                : SudokuRules.FindConflict(solution, sc.Size) ?? "not a valid Sudoku",
            MazeCodec mc => MazeRules.FindSolutionProblem(puzzle, solution, mc.Size).Problem,
            _ => "unknown task",
        };
        return new ServeSolution(solution, problem is null, problem, s.Confidence, steps);
    }

    /// <summary>Grid side of the model's puzzles.</summary>
    public int Size => Loaded.Codec switch { SudokuCodec s => s.Size, MazeCodec m => m.Size, _ => 0 };

    /// <summary>A generated puzzle of the given kind (the model's size when the kind matches its task).</summary>
    public PuzzleExample Generate(string kind, int? size, int seed)
    {
        switch (kind)
        {
            case "sudoku":
                int n = size ?? (Loaded.Codec is SudokuCodec s ? s.Size : 9);
                if (n is not (4 or 9)) throw new ArgumentException("size must be 4 or 9 for sudoku.");
                return SudokuGenerator.Generate(new SudokuGeneratorOptions { Size = n, TargetGivens = n == 4 ? 8 : 28 }, seed).First();
            case "maze":
                int m = size ?? (Loaded.Codec is MazeCodec mc ? mc.Size : 30);
                if (m is < 5 or > 60) throw new ArgumentException("size must be 5 to 60 for maze.");
                return MazeGenerator.Generate(new MazeGeneratorOptions { Size = m }, seed).First();
            default:
                throw new ArgumentException($"unknown kind '{kind}': use sudoku or maze.");
        }
    }
}

/// <summary>The HTTP service of <c>trm serve</c>: minimal API endpoints over one <see cref="ServeModel"/>.</summary>
public static class TrmServer
{
    /// <summary>Largest accepted request body (a 30×30 maze is under 1 KB of JSON).</summary>
    public const long MaxBodyBytes = 64 * 1024;

    /// <summary>Kestrel's body limit: bodies between the two limits are read and dropped before the 413.</summary>
    private const long DrainBytes = 1024 * 1024;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Builds the web application (not started); <paramref name="urls"/> may use port 0.</summary>
    public static WebApplication Build(ServeModel model, IEnumerable<string> urls, bool logRequests = false)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = Array.Empty<string>(), ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls(urls.ToArray());
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = DrainBytes);
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole();
        if (!logRequests) builder.Logging.SetMinimumLevel(LogLevel.Error); // server-side failures are always logged (stderr)
        var app = builder.Build();
        UseJsonErrors(app);
        Map(app, model);
        return app;
    }

    /// <summary>
    /// Every error is a JSON object <c>{"error": "..."}</c>: responses that the framework ends without a body (405,
    /// a query value that does not bind, ...) get one; an exception is logged and answered with a 500 that names no
    /// internals. Malformed requests are answered 4xx by the endpoints themselves and never reach the 500.
    /// </summary>
    public static void UseJsonErrors(WebApplication app)
    {
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Microsoft.ML.Trm.Cli.TrmServer");
        app.Use(async (ctx, next) =>
        {
            try { await next(ctx); }
            catch (Exception e) when (!ctx.Response.HasStarted && e is not OperationCanceledException)
            {
                if (e is BadHttpRequestException bad)
                {
                    await WriteError(ctx, bad.StatusCode, "bad request: " + bad.Message);
                    return;
                }
                log.LogError(e, "{Method} {Path} failed", ctx.Request.Method, ctx.Request.Path);
                await WriteError(ctx, StatusCodes.Status500InternalServerError, "internal error (logged on the server).");
            }
        });
        app.UseStatusCodePages(async status =>
        {
            var ctx = status.HttpContext;
            await WriteError(ctx, ctx.Response.StatusCode, $"{ctx.Response.StatusCode} for {ctx.Request.Method} {ctx.Request.Path}: see GET /, POST /solve, GET /health, /model, /generate.");
        });
    }

    private static Task WriteError(HttpContext ctx, int status, string message)
    {
        ctx.Response.Clear();
        ctx.Response.StatusCode = status;
        return ctx.Response.WriteAsJsonAsync(new { error = message }, Json);
    }

    /// <summary>Maps <c>/</c>, <c>/health</c>, <c>/model</c>, <c>/generate</c> and <c>/solve</c>.</summary>
    public static void Map(WebApplication app, ServeModel model)
    {
        string page = Page();
        app.MapGet("/", () => Results.Content(page, "text/html; charset=utf-8"));
        app.MapGet("/health", () => Results.Json(new { status = "ok" }, Json));
        app.MapGet("/model", () => Results.Json(ModelInfo(model), Json));
        app.MapGet("/generate", (string? kind, int? size, int? seed) =>
        {
            try
            {
                var e = model.Generate(kind ?? model.Loaded.Task, size, seed ?? Random.Shared.Next());
                return Results.Json(new { kind = kind ?? model.Loaded.Task, size = (int)Math.Round(Math.Sqrt(e.Puzzle.Length)), puzzle = e.Puzzle, solution = e.Solution }, Json);
            }
            catch (ArgumentException ex) { return Error(400, ex.Message); }
        });
        app.MapPost("/solve", async (HttpContext ctx) =>
        {
            var (body, tooLarge) = await ReadBodyAsync(ctx.Request, ctx.RequestAborted);
            if (tooLarge) return Error(413, $"request body over {MaxBodyBytes} bytes.");
            JsonDocument doc;
            try { doc = JsonDocument.Parse(body); }
            catch (Exception e) when (e is JsonException or ArgumentException or DecoderFallbackException) { return Error(400, "request body is not valid JSON: " + e.Message); }
            using (doc)
            {
                if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("puzzle", out var p) || p.ValueKind != JsonValueKind.String)
                    return Error(400, "expected a JSON object {\"puzzle\": \"...\"}.");
                string puzzle;
                try { puzzle = p.GetString()!; }
                catch (InvalidOperationException) { return Error(400, "\"puzzle\" is not valid UTF-8 text."); }
                try { return Results.Json(model.Solve(puzzle), Json); }
                catch (PuzzleFormatException e) { return Error(400, e.Message); }
            }
        });
        app.MapFallback((HttpContext ctx) => Error(404, $"no such endpoint: {ctx.Request.Method} {ctx.Request.Path}; see GET /, POST /solve, GET /health, /model, /generate."));
    }

    /// <summary>What <c>GET /model</c> returns: what the public API says about the loaded model.</summary>
    public static object ModelInfo(ServeModel model)
    {
        var trm = model.Loaded.Trm;
        var o = trm.Options;
        return new
        {
            file = System.IO.Path.GetFileName(model.Path),
            task = model.Loaded.Task,
            codec = model.Loaded.Codec.Id,
            size = model.Size,
            sequenceLength = trm.SequenceLength,
            vocabSize = trm.VocabSize,
            parameterCount = trm.ParameterCount,
            trainedSteps = trm.TrainedSteps,
            architecture = new
            {
                kind = o.Architecture.ToString(),
                mixer = o.Mixer.ToString(),
                positionEncoding = o.PositionEncoding.ToString(),
                hiddenSize = o.HiddenSize,
                heads = o.NumHeads,
                layers = o.Layers,
                outerCycles = o.OuterCycles,
                innerCycles = o.InnerCycles,
                supervisionSteps = o.MaxSupervisionSteps,
                haltAtInference = o.HaltAtInference,
                precision = o.Precision.ToString(),
            },
            formatVersion = TrmModelFormat.Version,
            library = typeof(TrmTransformer).Assembly.GetName().Version?.ToString(),
            device = trm.Device.ToString(),
        };
    }

    /// <summary>
    /// Reads the body up to <see cref="MaxBodyBytes"/>. A larger body (up to <see cref="DrainBytes"/>, Kestrel's hard
    /// limit) is read and dropped so the client, still sending, gets the 413 instead of a reset connection.
    /// </summary>
    private static async Task<(byte[] Body, bool TooLarge)> ReadBodyAsync(HttpRequest request, CancellationToken cancel)
    {
        if (request.ContentLength > DrainBytes) return (Array.Empty<byte>(), true);
        bool tooLarge = request.ContentLength > MaxBodyBytes;
        var kept = new MemoryStream();
        var buffer = new byte[16 * 1024];
        long total = 0;
        try
        {
            int n;
            while ((n = await request.Body.ReadAsync(buffer, cancel)) > 0)
            {
                total += n;
                if (total > MaxBodyBytes) tooLarge = true;
                if (!tooLarge) kept.Write(buffer, 0, n);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge) { tooLarge = true; }
        return (kept.ToArray(), tooLarge);
    }

    private static IResult Error(int status, string message) => Results.Json(new { error = message }, Json, statusCode: status);

    /// <summary>The self-contained page (embedded resource ServePage.html).</summary>
    public static string Page()
    {
        using var s = typeof(TrmServer).Assembly.GetManifestResourceStream("Microsoft.ML.Trm.Cli.ServePage.html")
            ?? throw new InvalidOperationException("ServePage.html is not embedded in " + typeof(TrmServer).Assembly.GetName().Name);
        using var r = new StreamReader(s);
        return r.ReadToEnd();
    }
}
