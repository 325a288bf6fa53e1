using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Microsoft.ML.Trm.Tests.Serve;

/// <summary>
/// A bounded fuzz of <c>trm serve</c> over loopback: random bytes, sizes, nesting, content types, methods and query
/// values. Every answer is below 500, and every error is a JSON object with an "error" message.
/// </summary>
[TestFixture]
[NonParallelizable]
public class ServeFuzzTests
{
    private const int Requests = 300;

    [Test]
    public async Task Serve_MalformedRequests_Are4xxJsonNever5xx()
    {
        await using var server = await RunningServer.StartAsync(ServeTestModel.ModelPath);
        var random = new Random(20261202);
        var statuses = new Dictionary<int, int>();
        for (int i = 0; i < Requests; i++)
        {
            using var request = NextRequest(random, i);
            string description = $"request {i}: {request.Method} {request.RequestUri} {request.Content?.Headers.ContentType}";
            using var response = await server.Client.SendAsync(request);
            int status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            string body = await response.Content.ReadAsStringAsync();
            Assert.That(status, Is.LessThan(500), $"{description} -> {status} {body}");
            if (status >= 400)
            {
                Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"), description);
                using var json = JsonDocument.Parse(body);
                Assert.That(json.RootElement.GetProperty("error").GetString(), Is.Not.Empty, description);
            }
        }
        Assert.That(statuses.Where(p => p.Key >= 400).Sum(p => p.Value), Is.GreaterThan(Requests / 2), string.Join(", ", statuses.Select(p => $"{p.Key}×{p.Value}")));
    }

    private static HttpRequestMessage NextRequest(Random random, int i)
    {
        switch (i % 6)
        {
            case 0: // random bytes, random content type
                var bytes = new byte[random.Next(0, 4096)];
                random.NextBytes(bytes);
                return Post(new ByteArrayContent(bytes), ContentTypes[random.Next(ContentTypes.Length)]);
            case 1: // a valid body, mutated byte by byte
                var body = Encoding.UTF8.GetBytes("{\"puzzle\": \"" + ServeTestModel.Puzzle + "\"}");
                for (int k = random.Next(1, 6); k > 0; k--) body[random.Next(body.Length)] = (byte)random.Next(256);
                return Post(new ByteArrayContent(body), "application/json");
            case 2: // deep nesting
                int depth = random.Next(50, 20_000);
                string open = random.Next(2) == 0 ? "[" : "{\"puzzle\":";
                string close = open == "[" ? "]" : "}";
                string nested = string.Concat(Enumerable.Repeat(open, depth)) + "1" + string.Concat(Enumerable.Repeat(close, depth));
                return Post(new StringContent(nested), "application/json");
            case 3: // sizes around and above the 64 KiB limit (bodies over 1 MiB are cut off by Kestrel before the 413: see Serve_Solve_OversizedBodyIs413)
                int size = new[] { 0, 1, 65_500, 65_537, 200_000, 1_000_000 }[random.Next(6)];
                return Post(new StringContent("{\"puzzle\": \"" + new string('.', size) + "\"}"), "application/json");
            case 4: // odd JSON values and puzzles
                string[] values = { "null", "true", "[]", "{}", "\"\"", "\"\\u0000\\u0000\"", "1e999", "{\"puzzle\": null}", "{\"puzzle\": [\"1\"]}",
                    "{\"puzzle\": \"1111111111111111\"}", "{\"puzzle\": \"" + new string('#', 900) + "\"}", "{\"puzzle\": \"143...1..32.2..3\", \"puzzle\": 5}" };
                return Post(new StringContent(values[random.Next(values.Length)]), ContentTypes[random.Next(ContentTypes.Length)]);
            default: // other methods and query strings
                string[] paths = { "/solve", "/generate?kind=sudoku&size=abc", "/generate?seed=x", "/generate?kind=maze&size=1000", "/generate?kind=%00", "/model?x=1", "/%ff%fe", "/generate?size=-1" };
                var method = new[] { HttpMethod.Get, HttpMethod.Put, HttpMethod.Delete, HttpMethod.Patch }[random.Next(4)];
                return new HttpRequestMessage(method, paths[random.Next(paths.Length)]);
        }
    }

    private static readonly string[] ContentTypes = { "application/json", "text/plain", "application/octet-stream", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded" };

    private static HttpRequestMessage Post(HttpContent content, string contentType)
    {
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return new HttpRequestMessage(HttpMethod.Post, "/solve") { Content = content };
    }
}
