using System.Diagnostics;
using Microsoft.ML.Trm.Data;

namespace Microsoft.ML.Trm.Tests.Reliability;

/// <summary>
/// Randomized robustness: corrupted CSV lines, ARC JSON and model zips must either load or fail with one of the
/// documented exception types and a message — never a crash of another kind, never a hang.
/// </summary>
public class CorruptInputFuzzTests
{
    // The documented failures (docs/troubleshooting.md): format problems in puzzle data, damaged model files, schema errors.
    private static readonly Type[] Documented = { typeof(PuzzleFormatException), typeof(InvalidDataException), typeof(FormatException), typeof(ArgumentException) };

    private static readonly string SudokuCsv = "source,question,answer,rating\n" +
        string.Concat(TinySudoku.Generate(3, seed: 9).Select((r, i) => $"s{i},{r.Puzzle},{r.Solution},{i}\n"));

    [Test]
    public void SudokuFixture_IsValidBeforeMutation() => Assert.That(SudokuFile.ReadCsv(new StringReader(SudokuCsv), "fixture.csv").Count(), Is.EqualTo(3));

    private static string Mutate(string text, Random rng)
    {
        var chars = text.ToCharArray().ToList();
        int edits = rng.Next(1, 4);
        const string alphabet = "0123456789.,#SGo x\"{}[]:-\n\\";
        for (int e = 0; e < edits && chars.Count > 0; e++)
        {
            int at = rng.Next(chars.Count);
            switch (rng.Next(3))
            {
                case 0: chars[at] = alphabet[rng.Next(alphabet.Length)]; break;
                case 1: chars.RemoveAt(at); break;
                default: chars.Insert(at, alphabet[rng.Next(alphabet.Length)]); break;
            }
        }
        return new string(chars.ToArray());
    }

    private static (int Ok, int Refused) Run(int cases, int seed, Func<Random, Action> makeCase)
    {
        var rng = new Random(seed);
        int ok = 0, refused = 0;
        for (int i = 0; i < cases; i++)
        {
            var action = makeCase(rng);
            var clock = Stopwatch.StartNew();
            try { action(); ok++; }
            catch (Exception raw)
            {
                var ex = ModelFileTests.Unwrap(raw);
                Assert.That(Documented.Any(t => t.IsInstanceOfType(ex)), $"case {i}: undocumented {ex.GetType().Name}: {ex.Message}\n{ex.StackTrace}");
                Assert.That(ex.Message, Is.Not.Empty, $"case {i}");
                refused++;
            }
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)), $"case {i} took too long");
        }
        return (ok, refused);
    }

    [Test]
    public void MutatedSudokuCsv_FailsOnlyWithDocumentedErrors()
    {
        var (ok, refused) = Run(400, 1, rng =>
        {
            var text = Mutate(SudokuCsv, rng);
            return () => SudokuFile.ReadCsv(new StringReader(text), "fuzz.csv").ToList();
        });
        TestContext.Out.WriteLine($"sudoku csv: {ok} accepted, {refused} refused");
        Assert.That(refused, Is.GreaterThan(200));
    }

    [Test]
    public void MutatedArcJson_FailsOnlyWithDocumentedErrors()
    {
        var json = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "arc", "d10ecb37.json"));
        var (ok, refused) = Run(400, 2, rng =>
        {
            var text = Mutate(json, rng);
            return () => ArcFile.ParseTask(text, "d10ecb37", "fuzz.json");
        });
        TestContext.Out.WriteLine($"arc json: {ok} accepted, {refused} refused");
        Assert.That(refused, Is.GreaterThan(100));
    }

    [Test]
    public void MutatedModelZip_FailsOnlyWithDocumentedErrors()
    {
        var zip = TinyModelZip.Bytes;
        var (ok, refused) = Run(250, 3, rng =>
            {
                var bytes = (byte[])zip.Clone();
                int edits = rng.Next(1, 8);
                for (int e = 0; e < edits; e++) bytes[rng.Next(bytes.Length)] = (byte)rng.Next(256);
                if (rng.Next(5) == 0) bytes = bytes[..rng.Next(bytes.Length)];
                return () =>
                {
                    using var model = new MLContext().Model.Load(new MemoryStream(bytes), out _) as IDisposable;
                };
            });
            TestContext.Out.WriteLine($"model zip: {ok} loaded, {refused} refused");
            Assert.That(refused, Is.GreaterThan(50));
    }
}
