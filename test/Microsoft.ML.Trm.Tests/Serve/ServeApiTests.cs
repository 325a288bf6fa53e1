using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.ML.Trm.Data;

namespace Microsoft.ML.Trm.Tests.Serve;

/// <summary><c>trm serve</c>'s HTTP API, started in-process on a loopback port with a tiny 4×4 Sudoku model.</summary>
[TestFixture]
[NonParallelizable]
public class ServeApiTests
{
    private RunningServer _server = null!;
    private byte[] _modelHash = Array.Empty<byte>();
    private DateTime _modelWritten;

    [OneTimeSetUp]
    public async Task StartServer()
    {
        string path = ServeTestModel.ModelPath;
        _modelHash = SHA256.HashData(File.ReadAllBytes(path));
        _modelWritten = File.GetLastWriteTimeUtc(path);
        _server = await RunningServer.StartAsync(path);
    }

    [OneTimeTearDown]
    public async Task StopServer()
    {
        if (_server is not null) await _server.DisposeAsync();
        Assert.That(SHA256.HashData(File.ReadAllBytes(ServeTestModel.ModelPath)), Is.EqualTo(_modelHash), "the service never writes the model file");
        Assert.That(File.GetLastWriteTimeUtc(ServeTestModel.ModelPath), Is.EqualTo(_modelWritten));
    }

    private HttpClient Client => _server.Client;

    private static JsonElement Parse(string text) => JsonDocument.Parse(text).RootElement.Clone();

    [Test]
    public async Task Serve_Health_IsOk()
    {
        using var r = await Client.GetAsync("/health");
        Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(Parse(await r.Content.ReadAsStringAsync()).GetProperty("status").GetString(), Is.EqualTo("ok"));
    }

    [Test]
    public async Task Serve_Model_DescribesTheZip()
    {
        var m = Parse(await Client.GetStringAsync("/model"));
        Assert.That(m.GetProperty("task").GetString(), Is.EqualTo("sudoku"));
        Assert.That(m.GetProperty("codec").GetString(), Is.EqualTo("sudoku:4"));
        Assert.That(m.GetProperty("size").GetInt32(), Is.EqualTo(4));
        Assert.That(m.GetProperty("parameterCount").GetInt64(), Is.EqualTo(_server.Model.Loaded.Trm.ParameterCount).And.GreaterThan(0));
        Assert.That(m.GetProperty("trainedSteps").GetInt64(), Is.EqualTo(20));
        Assert.That(m.GetProperty("formatVersion").GetInt32(), Is.EqualTo(TrmModelFormat.Version));
        var a = m.GetProperty("architecture");
        Assert.That(a.GetProperty("hiddenSize").GetInt32(), Is.EqualTo(32));
        Assert.That(a.GetProperty("mixer").GetString(), Is.EqualTo("MlpT"), "the tiny preset");
        Assert.That(a.GetProperty("supervisionSteps").GetInt32(), Is.EqualTo(TrmPresets.Create(TrmPresets.Tiny).MaxSupervisionSteps));
    }

    [Test]
    public async Task Serve_Solve_ReturnsSolutionAndEveryStep()
    {
        var (status, body) = await _server.PostSolveAsync(ServeTestModel.Puzzle);
        Assert.That(status, Is.EqualTo(200), body.ToString());
        string solution = body.GetProperty("solution").GetString()!;
        Assert.That(solution, Has.Length.EqualTo(16));
        Assert.That(body.GetProperty("valid").GetBoolean(),
            Is.EqualTo(SudokuRules.IsValidSolution(solution, 4) && SudokuRules.KeepsGivens(ServeTestModel.Puzzle, solution, 4)));
        float confidence = body.GetProperty("confidence").GetSingle();
        Assert.That(confidence, Is.InRange(0f, 1f));
        var steps = body.GetProperty("steps").EnumerateArray().ToList();
        int nSup = _server.Model.Loaded.Trm.Options.MaxSupervisionSteps;
        Assert.That(steps, Has.Count.EqualTo(nSup), "one grid per supervision step (no halting at inference)");
        foreach (var s in steps)
        {
            Assert.That(s.GetProperty("grid").GetString(), Does.Match("^[1-4.]{16}$"));
            Assert.That(s.GetProperty("confidence").GetSingle(), Is.InRange(0f, 1f));
        }
        Assert.That(steps[^1].GetProperty("grid").GetString(), Is.EqualTo(solution), "the last step is the answer");
        Assert.That(steps[^1].GetProperty("confidence").GetSingle(), Is.EqualTo(confidence));
    }

    [TestCase("{\"puzzle\": ", "not valid JSON")]
    [TestCase("[1,2]", "expected a JSON object")]
    [TestCase("{\"grid\": \"143...1..32.2..3\"}", "expected a JSON object")]
    [TestCase("{\"puzzle\": 12}", "expected a JSON object")]
    [TestCase("{\"puzzle\": \"1.3..4\"}", "expected 16 characters, found 6")]
    [TestCase("{\"puzzle\": \"143...1..32.2..x\"}", "character 'x' at position 15")]
    [TestCase("{\"puzzle\": \"143...1..32.2..9\"}", "is not a digit 1-4")]
    [TestCase("{\"puzzle\": \"11..............\"}", "digit 1 at grid row 1, column 2 repeats in row 1 (already at grid row 1, column 1)")]
    [TestCase("{\"puzzle\": \"1...1...........\"}", "repeats in column 1")]
    [TestCase("{\"puzzle\": \"\\ud800\"}", "not valid UTF-8")]
    public async Task Serve_Solve_BadRequestsAre400WithAMessage(string json, string message)
    {
        using var r = await Client.PostAsync("/solve", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(r.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
        Assert.That(Parse(await r.Content.ReadAsStringAsync()).GetProperty("error").GetString(), Does.Contain(message));
    }

    [Test]
    public async Task Serve_Solve_OversizedBodyIs413()
    {
        string json = "{\"puzzle\": \"" + new string('.', 70_000) + "\"}";
        using var r = await Client.PostAsync("/solve", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
        Assert.That(Parse(await r.Content.ReadAsStringAsync()).GetProperty("error").GetString(), Does.Contain("over 65536 bytes"));

        // Without Content-Length (chunked), Kestrel's body limit stops the read.
        var chunked = new StringContent(json, Encoding.UTF8, "application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/solve") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        using var r2 = await Client.SendAsync(request);
        Assert.That(r2.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
    }

    [Test]
    public async Task Serve_UnknownPathIs404()
    {
        using var r = await Client.GetAsync("/nope");
        Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(Parse(await r.Content.ReadAsStringAsync()).GetProperty("error").GetString(), Does.Contain("/nope"));
    }

    [Test]
    public async Task Serve_Generate_GivesPuzzlesTheModelAndPageRead()
    {
        var g = Parse(await Client.GetStringAsync("/generate?kind=sudoku&seed=3"));
        string puzzle = g.GetProperty("puzzle").GetString()!;
        Assert.That(puzzle, Has.Length.EqualTo(16), "the model's size by default");
        Assert.That(SudokuRules.KeepsGivens(puzzle, g.GetProperty("solution").GetString()!, 4));
        Assert.That((await _server.PostSolveAsync(puzzle)).Status, Is.EqualTo(200));

        var maze = Parse(await Client.GetStringAsync("/generate?kind=maze&size=9&seed=1"));
        Assert.That(maze.GetProperty("puzzle").GetString(), Has.Length.EqualTo(81).And.Contains("S").And.Contains("G"));
        using var bad = await Client.GetAsync("/generate?kind=chess");
        Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task Serve_Page_IsSelfContained()
    {
        using var r = await Client.GetAsync("/");
        Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(r.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"));
        string html = await r.Content.ReadAsStringAsync();
        Assert.That(html, Does.Contain("id=\"slider\"").And.Contain("id=\"grid\"").And.Contain("/solve"));
        Assert.That(html, Does.Not.Match("(src|href)=\"(https?:)?//"), "no CDN or remote resources");
    }

    [Test]
    public async Task Serve_ConcurrentRequests_GiveIdenticalAnswers()
    {
        var bodies = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            using var r = await Client.PostAsync("/solve", new StringContent("{\"puzzle\":\"" + ServeTestModel.Puzzle + "\"}", Encoding.UTF8, "application/json"));
            Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            return await r.Content.ReadAsStringAsync();
        }));
        Assert.That(bodies.Distinct().Count(), Is.EqualTo(1), "20 concurrent answers to one puzzle are the same, steps included");
    }

    [Test]
    public async Task Serve_Throughput_IsMeasured()
    {
        // Bounded: at most 300 requests or 4 s per mode, loopback only. Reported, not asserted beyond "it answers".
        var puzzles = Enumerable.Range(0, 16).Select(i => SudokuGenerator.Generate(new SudokuGeneratorOptions { Size = 4, TargetGivens = 8 }, 100 + i).First().Puzzle).ToArray();
        var payloads = puzzles.Select(p => "{\"puzzle\":\"" + p + "\"}").ToArray();
        await _server.PostSolveAsync(puzzles[0]); // warm-up
        var report = new StringBuilder();
        foreach (int workers in new[] { 1, 4 })
        {
            int done = 0;
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, workers).Select(async w =>
            {
                while (clock.Elapsed < TimeSpan.FromSeconds(4))
                {
                    int n = Interlocked.Increment(ref done);
                    if (n > 300) { Interlocked.Decrement(ref done); break; }
                    using var r = await Client.PostAsync("/solve", new StringContent(payloads[n % payloads.Length], Encoding.UTF8, "application/json"));
                    Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.OK));
                    await r.Content.ReadAsByteArrayAsync();
                }
            }));
            double rate = done / clock.Elapsed.TotalSeconds;
            report.AppendLine($"{workers} client(s): {done} requests in {clock.Elapsed.TotalSeconds:F2} s = {rate:F0} requests/s");
            Assert.That(done, Is.GreaterThan(0));
        }
        TestContext.Out.WriteLine("trm serve throughput (tiny 4x4 Sudoku model, hidden 32, " + _server.Model.Loaded.Trm.Options.MaxSupervisionSteps + " steps recorded, loopback):\n" + report);
        File.WriteAllText(Path.Combine(TestContext.CurrentContext.WorkDirectory, "serve-throughput.txt"), report.ToString());
    }
}
