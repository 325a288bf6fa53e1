using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trm.Data;

namespace Microsoft.ML.Trm.Tests.Data;

public class PuzzleDataViewsTests
{
    [Test]
    public void FromExamples_Sudoku_HasTypedColumnsAndEncodedTokens()
    {
        var ml = new MLContext(seed: 1);
        var rows = SudokuFile.ReadCsv(Fixture.SeventeenClue).ToList();
        var view = PuzzleDataViews.FromExamples(ml, rows, new SudokuCodec(9));
        var tokens = view.Schema["PuzzleTokens"].Type as VectorDataViewType;
        Assert.That(tokens, Is.Not.Null);
        Assert.That(tokens!.Size, Is.EqualTo(81));
        Assert.That(tokens.ItemType, Is.EqualTo(NumberDataViewType.Int32));
        Assert.That(view.Schema["PuzzleId"].Type, Is.EqualTo(NumberDataViewType.Int32));
        Assert.That(view.Schema["Rating"].Type, Is.EqualTo(NumberDataViewType.Single));
        Assert.That(view.Schema["Puzzle"].Type, Is.EqualTo(TextDataViewType.Instance));

        var puzzleTokens = view.GetColumn<VBuffer<int>>("PuzzleTokens").First().DenseValues().ToArray();
        Assert.That(puzzleTokens, Is.EqualTo(new SudokuCodec(9).Encode(rows[0].Puzzle)));
        Assert.That(view.GetColumn<float>("Rating").ToArray(), Is.EqualTo(rows.Select(r => r.Rating).ToArray()));
        Assert.That(PuzzleDataViews.ToExamples(view).ToList(), Is.EqualTo(rows));
    }

    [Test]
    public void FromExamples_IsLazy_EncodesOnlyWhenACursorRuns()
    {
        int pulled = 0;
        IEnumerable<PuzzleExample> Source()
        {
            foreach (var m in MazeGenerator.Generate(new MazeGeneratorOptions { Size = 10 }, 1).Take(5)) { pulled++; yield return m; }
        }
        var view = PuzzleDataViews.FromExamples(new MLContext(1), Source(), new MazeCodec(10));
        Assert.That(pulled, Is.EqualTo(0));
        Assert.That(view.GetColumn<int>("PuzzleId").Count(), Is.EqualTo(5));
        Assert.That(view.GetColumn<int>("PuzzleId").Count(), Is.EqualTo(5));
        Assert.That(pulled, Is.EqualTo(10));
    }

    [Test]
    public void WriteCsv_ThenFromCsv_RoundTripsMazes()
    {
        var ml = new MLContext(1);
        var codec = new MazeCodec(12);
        var mazes = MazeGenerator.Generate(new MazeGeneratorOptions { Size = 12 }, 6).Take(4).ToList();
        var dir = Fixture.TempDirectory();
        var path = Path.Combine(dir, "mazes.csv");
        PuzzleDataViews.WriteCsv(path, PuzzleDataViews.FromExamples(ml, mazes, codec), codec);
        var view = PuzzleDataViews.FromCsv(ml, path, codec);
        Assert.That(PuzzleDataViews.ToExamples(view).ToList(), Is.EqualTo(mazes.Select(m => m with { Group = null }).ToList()));
        var labels = view.GetColumn<VBuffer<int>>("SolutionTokens").Select(v => v.DenseValues().ToArray()).ToList();
        Assert.That(labels[1], Is.EqualTo(codec.Encode(mazes[1].Solution)));
        Directory.Delete(dir, true);
    }

    [Test]
    public void FromExamples_ArcWithTranslatedTokens_UsesTheExampleTokens()
    {
        var tasks = ArcFile.ReadFolder(Fixture.ArcFolder).Take(2).Select(t => new ArcSubsetTask(t, "training", false));
        var examples = ArcDataset.Examples(tasks, new ArcDatasetOptions { Augmentations = 2 }, ArcSplit.Train).ToList();
        var view = PuzzleDataViews.FromExamples(new MLContext(1), examples, new ArcCodec());
        var tokens = view.GetColumn<VBuffer<int>>("PuzzleTokens").Select(v => v.DenseValues().ToArray()).ToList();
        Assert.That(tokens, Has.Count.EqualTo(examples.Count));
        for (int i = 0; i < tokens.Count; i++) Assert.That(tokens[i], Is.EqualTo(examples[i].PuzzleTokens));
        Assert.That(view.GetColumn<int>("PuzzleId").Distinct().Count(), Is.EqualTo(6));
    }
}
