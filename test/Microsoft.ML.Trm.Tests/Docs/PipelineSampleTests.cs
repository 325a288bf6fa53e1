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
            var (metrics, solved) = PipelineSample.Run(Csv(512, 1), Csv(64, 2), Path.Combine(dir, "model.zip"), maxSteps: 40);
            Assert.That(metrics.Count, Is.EqualTo(64));
            Assert.That(solved, Has.Length.EqualTo(16));
            Assert.That(metrics.TokenAccuracy, Is.GreaterThan(0.6), "after 40 steps the model at least keeps the givens");
        }
        finally { Directory.Delete(dir, true); }
    }
}
