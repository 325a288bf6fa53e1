using Microsoft.ML.Trm.Tests.Trm;

namespace Microsoft.ML.Trm.Tests.MlNet;

public class SolverPersistenceTests
{
    [Test]
    public void TrmSolver_SavedZip_PredictsInAFreshProcessFromPuzzleAlone()
    {
        var dir = Directory.CreateTempSubdirectory("trm-solver-").FullName;
        try
        {
            var ml = new MLContext(seed: 1);
            var options = TrmPipeline.SmallOptions(maxSteps: 3);
            (options.HiddenSize, options.Layers, options.MaxSupervisionSteps) = (16, 1, 2);
            var train = TrmPipeline.Data(ml, 16, seed: 2);
            var model = ml.Transforms.TrmSolver(PuzzleKind.Sudoku4, options: options).Fit(train);
            var zip = Path.Combine(dir, "solver.zip");
            ml.Model.Save(model, train.Schema, zip);
            var puzzles = TinySudoku.Generate(3, 9).Select(r => r.Puzzle).ToArray();
            File.WriteAllLines(Path.Combine(dir, "puzzles.txt"), puzzles);
            var expected = SolverModel.Solve(ml, model, puzzles).ToList();

            var (exitCode, stdout, stderr) = ChildProcess.RunTestHost("solve-with-solver", zip, Path.Combine(dir, "puzzles.txt"));

            Assert.That(exitCode, Is.EqualTo(0), stderr);
            Assert.That(stdout.Trim().Split('\n').Select(l => l.TrimEnd('\r')), Is.EqualTo(expected));
            Assert.That(expected, Has.All.Match(@"^\S{16} -> [1-4.]{16} \S+ 2$"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
