using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.ML.Trm.Data;

namespace Microsoft.ML.Trm.Tests.Serve;

/// <summary>docs/serving.md's "host the zip in your own ASP.NET Core app" sample: compiled here and run against the tiny model.</summary>
public static class HostingSample
{
    public record SolveRequest(string Puzzle);

    public static WebApplication Create(string[] args, string modelPath)
    {
        #region snippet: hosting
        var builder = WebApplication.CreateBuilder(args);
        var app = builder.Build();

        var ml = new MLContext();
        ITransformer model = ml.Model.Load(modelPath, out _);             // the zip of 'trm train', loaded once
        var stages = ((IEnumerable<ITransformer>)model).ToList();
        var codec = stages.OfType<PuzzleEncodingTransformer>().First().Codec;  // puzzle text <-> tokens
        var trm = stages.OfType<TrmTransformer>().First();                     // Predict is thread-safe

        app.MapPost("/solve", (SolveRequest request) =>
        {
            try
            {
                var s = trm.Predict(new[] { codec.Encode(request.Puzzle) }, recordSteps: true)[0];
                return Results.Ok(new
                {
                    solution = codec.Decode(s.Tokens),
                    confidence = s.Confidence,
                    steps = s.StepTokens!.Select(t => codec.Decode(t)),
                });
            }
            catch (PuzzleFormatException e)
            {
                return Results.BadRequest(new { error = e.Message });
            }
        });
        #endregion
        return app;
    }
}

[TestFixture]
[NonParallelizable]
public class ServeHostingSampleTests
{
    [Test]
    public async Task Serve_HostingSample_Solves()
    {
        var app = HostingSample.Create(new[] { "--urls", "http://127.0.0.1:0" }, ServeTestModel.ModelPath);
        await app.StartAsync();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
            using var ok = await client.PostAsJsonAsync("/solve", new { puzzle = ServeTestModel.Puzzle });
            Assert.That((int)ok.StatusCode, Is.EqualTo(200));
            var body = JsonDocument.Parse(await ok.Content.ReadAsStringAsync()).RootElement;
            Assert.That(body.GetProperty("solution").GetString(), Has.Length.EqualTo(16));
            Assert.That(body.GetProperty("steps").GetArrayLength(), Is.EqualTo(TrmPresets.Create(TrmPresets.Tiny).MaxSupervisionSteps));
            using var bad = await client.PostAsJsonAsync("/solve", new { puzzle = "123" });
            Assert.That((int)bad.StatusCode, Is.EqualTo(400));
            Assert.That(await bad.Content.ReadAsStringAsync(), Does.Contain("expected 16 characters"));
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
