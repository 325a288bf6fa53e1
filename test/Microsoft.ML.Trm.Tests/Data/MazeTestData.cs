namespace Microsoft.ML.Trm.Tests.Data;

internal static class MazeTestData
{
    // A 6×6 maze with S top-left and G bottom-right; note the leading/trailing spaces of rows.
    public const string Puzzle =
        "S  # #" +
        "## #  " +
        "   #G " +
        " ### #" +
        "      " +
        "##### ";
}
