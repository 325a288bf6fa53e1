using Microsoft.ML.Trm.Data;

namespace Microsoft.ML.Trm.Tests.Data;

public class DihedralTests
{
    private static readonly int[][] Grid = { new[] { 1, 2, 3 }, new[] { 4, 5, 6 } };

    // Expected values are numpy's: np.rot90(a, k), np.fliplr, np.flipud, a.T, np.fliplr(np.rot90(a)) for a = [[1,2,3],[4,5,6]].
    [TestCase(0, "123|456")]
    [TestCase(1, "36|25|14")]
    [TestCase(2, "654|321")]
    [TestCase(3, "41|52|63")]
    [TestCase(4, "321|654")]
    [TestCase(5, "456|123")]
    [TestCase(6, "14|25|36")]
    [TestCase(7, "63|52|41")]
    public void Apply_Id_MatchesNumpy(int id, string expected) =>
        Assert.That(ArcCodec.FormatGrid(Dihedral.Apply(Grid, id)), Is.EqualTo(expected));

    [Test]
    public void Inverse_UndoesEveryTransform_OnGridsAndSquareText()
    {
        string text = "abcdefghi";
        for (int id = 0; id < Dihedral.Count; id++)
        {
            Assert.That(ArcCodec.FormatGrid(Dihedral.Apply(Dihedral.Apply(Grid, id), Dihedral.Inverse(id))), Is.EqualTo("123|456"));
            Assert.That(Dihedral.Apply(Dihedral.Apply(text, 3, id), 3, Dihedral.Inverse(id)), Is.EqualTo(text));
        }
        Assert.That(Enumerable.Range(0, 8).Select(id => Dihedral.Apply(text, 3, id)).Distinct().Count(), Is.EqualTo(8));
    }

    [Test]
    public void Apply_SquareText_AgreesWithGridVersion()
    {
        string text = "abcdefghi";
        var grid = new[] { "abc".ToCharArray(), "def".ToCharArray(), "ghi".ToCharArray() };
        for (int id = 0; id < Dihedral.Count; id++)
            Assert.That(Dihedral.Apply(text, 3, id), Is.EqualTo(string.Concat(Dihedral.Apply(grid, id).Select(r => new string(r)))));
    }

    [Test]
    public void Apply_BadId_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Dihedral.Apply(Grid, 8));
}
