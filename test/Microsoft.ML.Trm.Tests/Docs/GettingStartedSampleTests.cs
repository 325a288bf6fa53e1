namespace Microsoft.ML.Trm.Tests.Docs;

public class GettingStartedSampleTests
{
    [Test]
    public void GettingStartedSample_TrainsSavesLoadsAndAnswers()
    {
        var dir = Directory.CreateTempSubdirectory("trm-getting-started-").FullName;
        var previous = Environment.CurrentDirectory;
        try
        {
            Environment.CurrentDirectory = dir;        // the sample writes sudoku.zip to the current folder
            var (puzzle, answer, expected) = GettingStartedSample.Run(maxSteps: 10);
            Assert.That(File.Exists(Path.Combine(dir, "sudoku.zip")));
            Assert.That(puzzle, Has.Length.EqualTo(16));
            Assert.That(expected, Has.Length.EqualTo(16));
            Assert.That(answer, Does.Match(@"^[1-4.]{16}$"), "a 4×4 grid (after 10 steps some cells may still be blank)");
        }
        finally
        {
            Environment.CurrentDirectory = previous;
            Directory.Delete(dir, true);
        }
    }
}
