using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Microsoft.ML.Trm.Tests.Serve;

/// <summary>
/// The page at <c>/</c> in headless Chromium, driven over the Chrome DevTools Protocol (a WebSocket from C#, no npm):
/// solve a puzzle, check the grid shows the API's answer, move the step slider, save a screenshot.
/// </summary>
[TestFixture]
[NonParallelizable]
public class ServeBrowserTests
{
    internal static string? FindChromium()
    {
        foreach (var name in new[] { "chromium", "chromium-browser", "google-chrome", "google-chrome-stable" })
            foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
                if (dir.Length > 0 && File.Exists(Path.Combine(dir, name))) return Path.Combine(dir, name);
        return null;
    }

    [Test]
    public async Task Serve_Page_ShowsTheAnswerStepByStep()
    {
        string chromium = FindChromium() ?? "";
        if (chromium.Length == 0) Assert.Ignore("Chromium is not installed (apt-get install chromium); the page's browser test is skipped.");

        await using var server = await RunningServer.StartAsync(ServeTestModel.ModelPath);
        var (status, api) = await server.PostSolveAsync(ServeTestModel.Puzzle);
        Assert.That(status, Is.EqualTo(200));
        var steps = api.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("grid").GetString()!).ToList();
        string solution = api.GetProperty("solution").GetString()!;

        string profile = Path.Combine(Path.GetTempPath(), "trm-chromium-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(profile);
        var psi = new ProcessStartInfo(chromium)
        {
            RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false,
        };
        foreach (var arg in new[] { "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                     "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1", "--user-data-dir=" + profile, "--window-size=900,700", "about:blank" })
            psi.ArgumentList.Add(arg);
        using var browser = Process.Start(psi)!;
        browser.ErrorDataReceived += (_, _) => { }; browser.OutputDataReceived += (_, _) => { };
        browser.BeginErrorReadLine(); browser.BeginOutputReadLine();
        try
        {
            await using var cdp = await Cdp.ConnectAsync(profile, TimeSpan.FromSeconds(60));
            await cdp.SendAsync("Page.enable");
            await cdp.SendAsync("Page.navigate", new { url = server.BaseAddress.ToString() });
            // The page reads /model and fills in a generated puzzle when it is ready.
            await cdp.WaitForAsync("document.getElementById('puzzle') && document.getElementById('puzzle').value.length === 16", TimeSpan.FromSeconds(30));
            Assert.That(await cdp.EvalAsync<string>("document.getElementById('info').textContent"), Does.Contain("sudoku:4"));

            await cdp.EvalAsync<bool>($"document.getElementById('puzzle').value = '{ServeTestModel.Puzzle}'; document.getElementById('solve').click(); true");
            await cdp.WaitForAsync($"document.getElementById('grid').dataset.step === '{steps.Count - 1}'", TimeSpan.FromSeconds(30));
            Assert.That(await cdp.EvalAsync<string>("document.getElementById('grid').dataset.grid"), Is.EqualTo(solution), "the page shows the API's answer");
            Assert.That(await cdp.EvalAsync<string>("[...document.querySelectorAll('#grid .cell')].map(c => c.textContent || '.').join('')"), Is.EqualTo(solution));
            Assert.That(await cdp.EvalAsync<int>("document.querySelectorAll('#grid .given').length"), Is.EqualTo(ServeTestModel.Puzzle.Count(c => c != '.')));
            Assert.That(await cdp.EvalAsync<string>("document.getElementById('verdict').textContent"), Does.Contain(api.GetProperty("valid").GetBoolean() ? "valid answer" : "not valid"));

            // Move the slider to each step: the grid follows the API's grids.
            for (int i = 0; i < steps.Count; i++)
            {
                string shown = await cdp.EvalAsync<string>(
                    $"const s = document.getElementById('slider'); s.value = '{i}'; s.dispatchEvent(new Event('input')); document.getElementById('grid').dataset.grid");
                Assert.That(shown, Is.EqualTo(steps[i]), $"step {i + 1}");
                Assert.That(await cdp.EvalAsync<string>("document.getElementById('stepinfo').textContent"), Does.StartWith($"step {i + 1}/{steps.Count}"));
            }
            int differing = steps.FindIndex(g => g != solution);
            if (differing >= 0)
                Assert.That(steps[differing], Is.Not.EqualTo(solution), "moving the slider changed the grid");
            else
                TestContext.Out.WriteLine("every step already shows the final answer; the slider cannot change the grid for this puzzle.");

            // Screenshot of the first step that changed cells (highlighted), else step 2.
            int shot = Math.Max(1, Enumerable.Range(1, steps.Count - 1).FirstOrDefault(i => steps[i] != steps[i - 1], 1));
            await cdp.EvalAsync<string>($"const s = document.getElementById('slider'); s.value = '{shot}'; s.dispatchEvent(new Event('input')); 'ok'");
            var png = await cdp.SendAsync("Page.captureScreenshot", new { format = "png" });
            string file = Path.Combine(TestContext.CurrentContext.WorkDirectory, "serve-page.png");
            await File.WriteAllBytesAsync(file, Convert.FromBase64String(png.GetProperty("data").GetString()!));
            TestContext.AddTestAttachment(file, "the page at step " + (shot + 1));
            TestContext.Out.WriteLine("screenshot: " + file);
        }
        finally
        {
            try { browser.Kill(entireProcessTree: true); browser.WaitForExit(10_000); } catch (InvalidOperationException) { }
            try { Directory.Delete(profile, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>A minimal Chrome DevTools Protocol client for one page target.</summary>
    private sealed class Cdp : IAsyncDisposable
    {
        private readonly ClientWebSocket _ws = new();
        private int _id;

        public static async Task<Cdp> ConnectAsync(string profile, TimeSpan timeout)
        {
            // Chromium writes the port it picked to DevToolsActivePort in the profile.
            string portFile = Path.Combine(profile, "DevToolsActivePort");
            var clock = Stopwatch.StartNew();
            string? ws = null;
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            while (ws is null)
            {
                if (clock.Elapsed > timeout) throw new TimeoutException("Chromium did not open its DevTools port.");
                await Task.Delay(100);
                if (!File.Exists(portFile)) continue;
                string[] lines;
                try { lines = await File.ReadAllLinesAsync(portFile); } catch (IOException) { continue; }
                if (lines.Length == 0 || !int.TryParse(lines[0], out int port)) continue;
                try
                {
                    var list = JsonDocument.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/json/list")).RootElement;
                    ws = list.EnumerateArray().Where(t => t.GetProperty("type").GetString() == "page")
                        .Select(t => t.GetProperty("webSocketDebuggerUrl").GetString()).FirstOrDefault();
                }
                catch (HttpRequestException) { }
            }
            var cdp = new Cdp();
            await cdp._ws.ConnectAsync(new Uri(ws), CancellationToken.None);
            return cdp;
        }

        public async Task<JsonElement> SendAsync(string method, object? parameters = null)
        {
            int id = ++_id;
            var json = JsonSerializer.SerializeToUtf8Bytes(new { id, method, @params = parameters ?? new { } });
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await _ws.SendAsync(json, WebSocketMessageType.Text, true, cts.Token);
            var buffer = new byte[1 << 16];
            while (true)
            {
                using var message = new MemoryStream();
                WebSocketReceiveResult r;
                do
                {
                    r = await _ws.ReceiveAsync(buffer, cts.Token);
                    message.Write(buffer, 0, r.Count);
                } while (!r.EndOfMessage);
                var doc = JsonDocument.Parse(message.ToArray()).RootElement;
                if (!doc.TryGetProperty("id", out var got) || got.GetInt32() != id) continue; // an event
                if (doc.TryGetProperty("error", out var error)) throw new InvalidOperationException($"{method}: {error}");
                return doc.GetProperty("result").Clone();
            }
        }

        public async Task<T> EvalAsync<T>(string expression)
        {
            // Wrapped in a block so that 'const' does not leak between calls; the block's last expression is the value.
            var r = await SendAsync("Runtime.evaluate", new { expression = "{" + expression + "}", returnByValue = true, awaitPromise = true });
            if (r.TryGetProperty("exceptionDetails", out var ex)) throw new InvalidOperationException($"page script failed: {ex}");
            return r.GetProperty("result").GetProperty("value").Deserialize<T>()!;
        }

        public async Task WaitForAsync(string condition, TimeSpan timeout)
        {
            var clock = Stopwatch.StartNew();
            while (!await EvalAsync<bool>("!!(" + condition + ")"))
            {
                if (clock.Elapsed > timeout) throw new TimeoutException("the page never reached: " + condition);
                await Task.Delay(100);
            }
        }

        public async ValueTask DisposeAsync()
        {
            try { await _ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None); } catch (WebSocketException) { }
            _ws.Dispose();
        }
    }
}
