namespace Microsoft.ML.Trm.Tests.Data;

/// <summary>Paths of the fixtures copied to the test output folder, and a temp-folder helper.</summary>
internal static class Fixture
{
    public static string Path(params string[] parts) =>
        System.IO.Path.Combine(new[] { TestContext.CurrentContext.TestDirectory, "Fixtures" }.Concat(parts).ToArray());

    public static string SudokuGenSeeds => Path("sudoku", "sudoku_gen_seeds_head.csv");
    public static string SeventeenClue => Path("sudoku", "puzzles2_17_clue_head.csv");
    public static string ArcFolder => Path("arc");

    public static string TempDirectory()
    {
        var dir = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "trm-data-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}
