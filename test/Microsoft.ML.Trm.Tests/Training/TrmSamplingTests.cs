using Microsoft.ML.Data;
using Microsoft.ML.Trm.Data;
using Microsoft.ML.Trm.Training;

namespace Microsoft.ML.Trm.Tests.Training;

/// <summary>The reference's recipe: step count, group-aware epochs, on-the-fly Sudoku shuffles (trm-spec §4, §5).</summary>
public class TrmSamplingTests
{
    private static readonly SudokuCodec Codec4 = new(4);

    [TestCase(50_000, 1000, 1.0, 768, 65_104L)]   // Sudoku-Extreme 1k / Maze-Hard 1k, README recipe
    [TestCase(20_000, 1000, 1.0, 768, 26_041L)]   // HRM's Sudoku recipe
    [TestCase(50_000, 1000, 1.0, 128, 390_625L)]  // Maze one-GPU recipe
    public void TotalSteps_MatchThePaperRecipes(int epochs, int groups, double mean, int batch, long expected)
        => Assert.That(TrmTrainingPlan.ReferenceTotalSteps(epochs, groups, mean, batch), Is.EqualTo(expected));

    [Test]
    public void Plan_OfSudokuPresets_OnAThousandPuzzles_HasTheReferenceStepCounts()
    {
        var ml = new MLContext(0);
        var rows = TinySudoku.Generate(1000, seed: 3);
        var view = ml.Data.LoadFromEnumerable(rows.Select(r => new Row { PuzzleTokens = Codec4.Encode(r.Puzzle), SolutionTokens = Codec4.Encode(r.Solution) }).ToList(),
            Row.Schema(Codec4.SequenceLength));
        var mlp = ml.Transforms.Trm(TrmPresets.Create(TrmPresets.SudokuMlp)).Plan(view);
        Assert.That(mlp.TotalSteps, Is.EqualTo(65_104));
        Assert.That(mlp.Groups, Is.EqualTo(1000));
        Assert.That(mlp.ExamplesPerEpoch, Is.EqualTo(1000));
        Assert.That(mlp.Augmentation, Is.EqualTo(TrmAugmentation.Sudoku));
        Assert.That(mlp.MembersPerPuzzle, Is.EqualTo(1001));
        Assert.That(mlp.Iterations, Is.EqualTo(10));
        Assert.That(ml.Transforms.Trm(TrmPresets.Create(TrmPresets.Hrm)).Plan(view).TotalSteps, Is.EqualTo(26_041));
        var capped = TrmPresets.Create(TrmPresets.SudokuMlp); capped.MaxSteps = 100;
        Assert.That(ml.Transforms.Trm(capped).Plan(view).TotalSteps, Is.EqualTo(100));
    }

    [Test]
    public void OneIteration_OfFiveThousandEpochs_DropsOnlyItsLastPartialBatch()
    {
        // Reference: 5,000 epochs × 1,000 groups = 5,000,000 examples per iteration → 6,510 full batches of 768 (×10 = 65,100 steps).
        var data = TrmTrainingLoopTests.Sudoku4(1000, seed: 1);
        var sampler = new TrmGroupSampler(data, 768, seed: 0, epochs: 50_000, epochsPerIteration: 5000, members: 1001);
        Assert.That(sampler.Iterations, Is.EqualTo(10));
        Assert.That(sampler.Iteration(0).Count(), Is.EqualTo(6510));
    }

    /// <summary>Groups of 1–3 puzzles with 1–4 rows each; ids number the puzzles.</summary>
    private static TrmDataset GroupedData(int groups, int seed)
    {
        var random = new Random(seed);
        var inputs = new List<int[]>(); var ids = new List<int>(); var keys = new List<string?>();
        int id = 1;
        for (int g = 0; g < groups; g++)
            for (int p = 0, puzzles = random.Next(1, 4); p < puzzles; p++, id++)
                for (int r = 0, rows = random.Next(1, 5); r < rows; r++)
                {
                    inputs.Add(new[] { g, id, r, 0 });
                    ids.Add(id); keys.Add("task" + g);
                }
        // Shuffle the rows: grouping must not depend on the file order.
        var order = Enumerable.Range(0, inputs.Count).ToArray();
        random.Shuffle(order);
        return TrmDataset.FromRows(order.Select(i => inputs[i]).ToList(), order.Select(i => inputs[i]).ToList(), order.Select(i => ids[i]).ToList(), order.Select(i => keys[i]).ToList());
    }

    [Test]
    public void GroupColumn_GathersEachPuzzlesRowsInItsGroup()
    {
        var data = GroupedData(20, seed: 4);
        Assert.That(data.GroupCount, Is.EqualTo(20));
        for (int g = 0; g < data.GroupCount; g++)
            for (int p = data.GroupStarts[g]; p < data.GroupStarts[g + 1]; p++)
                for (int r = data.PuzzleStarts[p]; r < data.PuzzleStarts[p + 1]; r++)
                {
                    Assert.That(data.PuzzleIds[r], Is.EqualTo(data.PuzzleIds[data.PuzzleStarts[p]]), "one puzzle, one identifier");
                    Assert.That(data.Inputs[r * 4], Is.EqualTo(data.Inputs[data.PuzzleStarts[data.GroupStarts[g]] * 4]), "one group, one task");
                }
        Assert.That(data.MeanExamplesPerPuzzle, Is.EqualTo((double)data.Count / data.PuzzleCount));
    }

    [Test]
    public void AnEpoch_VisitsEveryGroupOnce_AndAppendsOneMembersRowsTogether()
    {
        var data = GroupedData(50, seed: 5);
        // A batch larger than any puzzle: every drawn member's rows all go in (unless the batch end truncates them).
        var sampler = new TrmGroupSampler(data, batchSize: 7, seed: 3, epochs: 4, epochsPerIteration: 4, members: 1);
        var samples = sampler.Iteration(0).SelectMany(b => b).ToList();
        Assert.That(samples.Count % 7, Is.Zero);
        // Split the stream into runs of one group; a run is one draw: rows of ONE puzzle of that group, no row twice.
        var runs = new List<List<TrmSample>>();
        foreach (var s in samples)
            if (runs.Count > 0 && runs[^1][0].Group == s.Group && runs[^1].Count < 64 && !runs[^1].Any(x => x.Row == s.Row)) runs[^1].Add(s);
            else runs.Add(new List<TrmSample> { s });
        foreach (var run in runs)
        {
            Assert.That(run.Select(s => data.PuzzleIds[s.Row]).Distinct().Count(), Is.EqualTo(1), "one member's rows");
            int g = run[0].Group;
            Assert.That(run.All(s => s.Row >= data.PuzzleStarts[data.GroupStarts[g]] && s.Row < data.PuzzleStarts[data.GroupStarts[g + 1]]), "rows of the group");
        }
        // Epoch by epoch (50 draws each), each group appears once; only the final draws may be cut by the dropped batch.
        var groupsInOrder = runs.Select(r => r[0].Group).ToList();
        for (int e = 0; e < 3; e++)
            Assert.That(groupsInOrder.Skip(e * 50).Take(50).OrderBy(g => g), Is.EqualTo(Enumerable.Range(0, 50)), $"epoch {e}");
        // The orders differ between epochs and the same seed repeats the sequence.
        Assert.That(groupsInOrder.Take(50), Is.Not.EqualTo(groupsInOrder.Skip(50).Take(50)));
        Assert.That(sampler.Iteration(0).SelectMany(b => b), Is.EqualTo(samples));
    }

    [Test]
    public void AnEpoch_OfSingleRowGroups_UsesEveryRowOnce()
    {
        var data = TrmTrainingLoopTests.Sudoku4(100, seed: 2);
        var sampler = new TrmGroupSampler(data, batchSize: 10, seed: 1, epochs: 1, epochsPerIteration: 1, members: 1);
        var rows = sampler.Iteration(0).SelectMany(b => b).Select(s => s.Row).OrderBy(r => r);
        Assert.That(rows, Is.EqualTo(Enumerable.Range(0, 100)));
    }

    [Test]
    public void SudokuAugmentation_GivesValidPuzzles_WithTheirUniqueSolutionTransformedAlike()
    {
        var puzzles = SudokuGenerator.Generate(new SudokuGeneratorOptions { Size = 9, TargetGivens = 30 }, seed: 11).Take(5).ToList();
        var codec = new SudokuCodec(9);
        var data = TrmDataset.FromRows(puzzles.Select(p => codec.Encode(p.Puzzle)).ToList(), puzzles.Select(p => codec.Encode(p.Solution)).ToList());
        var options = new TrmOptions { Augmentation = TrmAugmentation.Sudoku, Seed = 7 };
        var augmenter = TrmAugmenter.Create(options, 81);
        Assert.That(augmenter.Members, Is.EqualTo(1001));
        var solver = new SudokuSolver();
        var seen = new HashSet<string>();
        for (int g = 0; g < puzzles.Count; g++)
            foreach (int variant in new[] { 1, 2, 3, 500, 1000 })
            {
                var batch = data.Batch(new[] { new TrmSample(g, g, variant) }, augmenter);
                string puzzle = codec.Decode(batch.Inputs.Select(v => (int)v).ToArray());
                string solution = codec.Decode(batch.Labels.Select(v => (int)v).ToArray());
                Assert.That(SudokuRules.IsValidSolution(solution, 9), Is.True, $"group {g} variant {variant}: solution valid");
                Assert.That(SudokuRules.KeepsGivens(puzzle, solution, 9), Is.True, "the solution keeps the shuffled givens");
                Assert.That(SudokuRules.CountGivens(puzzle, 9), Is.EqualTo(SudokuRules.CountGivens(puzzles[g].Puzzle, 9)));
                Assert.That(solver.CountSolutions(puzzle), Is.EqualTo(1), "still a unique solution");
                Assert.That(solver.Solve(puzzle, out _), Is.EqualTo(solution), "…and it is the shuffled solution");
                // Variant v of group g is fixed: the same draw gives the same grid.
                var again = data.Batch(new[] { new TrmSample(g, g, variant) }, augmenter);
                Assert.That(again.Inputs, Is.EqualTo(batch.Inputs));
                seen.Add(puzzle);
            }
        Assert.That(seen.Count, Is.EqualTo(25), "different variants are different grids");
        // Variant 0 is the stored row.
        var original = data.Batch(new[] { new TrmSample(0, 0, 0) }, augmenter);
        Assert.That(codec.Decode(original.Inputs.Select(v => (int)v).ToArray()), Is.EqualTo(puzzles[0].Puzzle.Replace('0', '.')));
    }

    [Test]
    public void SudokuAugmentation_OnNonSudokuRows_NamesTheOption()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => TrmAugmenter.Create(new TrmOptions { Augmentation = TrmAugmentation.Sudoku }, 900));
        Assert.That(e!.Message, Does.Contain("Augmentation"));
    }

    [Test]
    public void DihedralAugmentation_HasEightMembers_AndTransformsInputAndLabelAlike()
    {
        var data = TrmDataset.FromRows(new[] { Enumerable.Range(1, 9).ToArray() }, new[] { Enumerable.Range(11, 9).ToArray() });
        var augmenter = TrmAugmenter.Create(new TrmOptions { Augmentation = TrmAugmentation.Dihedral }, 9);
        Assert.That(augmenter.Members, Is.EqualTo(8));
        var images = Enumerable.Range(0, 8).Select(v => data.Batch(new[] { new TrmSample(0, 0, v) }, augmenter)).ToList();
        Assert.That(images.Select(b => string.Join(",", b.Inputs)).Distinct().Count(), Is.EqualTo(8));
        foreach (var b in images) Assert.That(b.Labels.Select(v => v - 10), Is.EqualTo(b.Inputs));
    }

    private sealed class Row
    {
        public int[] PuzzleTokens { get; set; } = Array.Empty<int>();
        public int[] SolutionTokens { get; set; } = Array.Empty<int>();

        public static SchemaDefinition Schema(int length)
        {
            var schema = SchemaDefinition.Create(typeof(Row));
            schema[nameof(PuzzleTokens)].ColumnType = new VectorDataViewType(NumberDataViewType.Int32, length);
            schema[nameof(SolutionTokens)].ColumnType = new VectorDataViewType(NumberDataViewType.Int32, length);
            return schema;
        }
    }
}
