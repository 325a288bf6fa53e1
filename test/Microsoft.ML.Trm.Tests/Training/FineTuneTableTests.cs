using Microsoft.ML.Data;
using Microsoft.ML.Trm.Data;
using static TorchSharp.torch;

namespace Microsoft.ML.Trm.Tests.Training;

public class FineTuneTableTests
{
    private sealed class Row
    {
        public int[] PuzzleTokens { get; set; } = Array.Empty<int>();
        public int[] SolutionTokens { get; set; } = Array.Empty<int>();
        public int Id { get; set; }
    }

    private static IDataView Data(MLContext ml, int ids)
    {
        var codec = new SudokuCodec(4);
        var rows = TinySudoku.Generate(64, seed: 5).Select((r, i) => new Row { PuzzleTokens = codec.Encode(r.Puzzle), SolutionTokens = codec.Encode(r.Solution), Id = i % ids }).ToList();
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.PuzzleTokens)].ColumnType = new VectorDataViewType(NumberDataViewType.Int32, 16);
        schema[nameof(Row.SolutionTokens)].ColumnType = new VectorDataViewType(NumberDataViewType.Int32, 16);
        return ml.Data.LoadFromEnumerable(rows, schema);
    }

    [Test]
    public void FineTuning_OnAPuzzleTableOfAnotherSize_StartsEveryRowFromTheOldMean()
    {
        // Upstream pretrain.py 251-261: a puzzle table of another size is replaced by the old rows' mean, broadcast.
        var ml = new MLContext(0);
        var o = Trm.TrmPipeline.SmallOptions(maxSteps: 3);
        o.PuzzleIdColumnName = "Id";
        var pretrained = ml.Transforms.Trm(o).Fit(Data(ml, ids: 3));
        using var old = pretrained.Network.state_dict()["puzzle_emb.weights"].clone();
        Assert.That(old.shape[0], Is.EqualTo(3));

        var tune = o.Clone();
        tune.MaxSteps = 1; tune.PuzzleEmbeddingLearningRate = 0; tune.PuzzleEmbeddingWeightDecay = 0;   // the table stays as initialised
        var tuned = ml.Transforms.Trm(tune, pretrained).Fit(Data(ml, ids: 5));
        var table = tuned.Network.state_dict()["puzzle_emb.weights"];
        Assert.That(table.shape[0], Is.EqualTo(5));
        var mean = old.mean(new long[] { 0 }).data<float>().ToArray();
        for (int r = 0; r < 5; r++)
            Assert.That(table[r].data<float>().ToArray(), Is.EqualTo(mean).Within(1e-6f), $"row {r}");
    }
}
