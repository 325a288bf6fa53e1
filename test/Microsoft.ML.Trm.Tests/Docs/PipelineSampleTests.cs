using Microsoft.ML.Trm.Data;

namespace Microsoft.ML.Trm.Tests.Docs;

public class PipelineSampleTests
{
    [Test]
    public void PipelineSample_RunsEndToEnd_AndSolvesMostPuzzles()
    {
        var dir = Directory.CreateTempSubdirectory("trm-doc-").FullName;
        try
        {
            string Csv(int count, int seed)
            {
                var path = Path.Combine(dir, $"sudoku4-{seed}.csv");
                SudokuFile.WriteCsv(path, TinySudoku.Generate(count, seed).Select(r => new PuzzleExample(r.Puzzle, r.Solution, Source: "test")));
                return path;
            }
            var (metrics, solved) = PipelineSample.Run(Csv(512, 1), Csv(64, 2), Path.Combine(dir, "model.zip"), maxSteps: 150);
            Assert.That(metrics.Count, Is.EqualTo(64));
            Assert.That(solved, Has.Length.EqualTo(16));
            Assert.That(metrics.ExactAccuracy, Is.GreaterThan(0.8), "150 steps of the tiny (MLP-T) preset solve most 4×4 puzzles");
        }
        finally { Directory.Delete(dir, true); }
    }

    [Test]
    public void TokenLevelSample_TrainsOnItsOwnEncoding_AndPredictsTokens()
    {
        var (metrics, predicted) = PipelineSample.RunTokenLevel(TinySudoku.Generate(512, seed: 1), TinySudoku.Generate(64, seed: 2), maxSteps: 150);
        Assert.That(metrics.Count, Is.EqualTo(64));
        Assert.That(predicted, Has.Length.EqualTo(16));
        Assert.That(predicted, Is.All.InRange(2, 5), "digit tokens (d + 1)");
        Assert.That(metrics.ExactAccuracy, Is.GreaterThan(0.8), "150 steps of the tiny (MLP-T) preset solve most 4×4 puzzles, as with TrmSolver");
    }
}
