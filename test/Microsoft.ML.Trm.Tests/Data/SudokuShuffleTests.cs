using Microsoft.ML.Trm.Data;

namespace Microsoft.ML.Trm.Tests.Data;

public class SudokuShuffleTests
{
    [Test]
    public void Apply_FixturePuzzles_KeepsThemValidWithTheShuffledUniqueSolution()
    {
        var solver = new SudokuSolver(9);
        var rng = new Random(5);
        bool sawTranspose = false, sawPlain = false;
        foreach (var row in SudokuFile.ReadCsv(Fixture.SudokuGenSeeds).Take(6))
        {
            for (int k = 0; k < 4; k++)
            {
                var shuffle = SudokuShuffle.Random(9, rng);
                (shuffle.Transpose ? ref sawTranspose : ref sawPlain) = true;
                var aug = shuffle.Apply(row);
                Assert.That(SudokuRules.FindConflict(aug.Puzzle, 9), Is.Null);
                Assert.That(SudokuRules.IsValidSolution(aug.Solution, 9), Is.True);
                Assert.That(SudokuRules.KeepsGivens(aug.Puzzle, aug.Solution, 9), Is.True);
                Assert.That(SudokuRules.CountGivens(aug.Puzzle, 9), Is.EqualTo(SudokuRules.CountGivens(row.Puzzle, 9)));
                Assert.That(solver.CountSolutions(aug.Puzzle), Is.EqualTo(1));
                Assert.That(solver.Solve(aug.Puzzle), Is.EqualTo(aug.Solution));
            }
        }
        Assert.That(sawTranspose && sawPlain, Is.True);
    }

    [Test]
    public void Random_Permutations_KeepBandsAndStacksTogether()
    {
        var rng = new Random(11);
        for (int k = 0; k < 20; k++)
        {
            var s = SudokuShuffle.Random(9, rng);
            foreach (var perm in new[] { s.RowPermutation, s.ColumnPermutation })
            {
                Assert.That(perm.OrderBy(x => x), Is.EqualTo(Enumerable.Range(0, 9)));
                for (int band = 0; band < 3; band++)
                    Assert.That(perm.Skip(band * 3).Take(3).Select(x => x / 3).Distinct().Count(), Is.EqualTo(1));
            }
            Assert.That(s.DigitMap[0], Is.EqualTo(0));
            Assert.That(s.DigitMap.Skip(1).OrderBy(x => x), Is.EqualTo(Enumerable.Range(1, 9)));
        }
    }

    [Test]
    public void Apply_FourByFour_UsesBandsOfTwoAndKeepsUniqueness()
    {
        var solver = new SudokuSolver(4);
        var puzzle = SudokuGenerator.Generate(new SudokuGeneratorOptions { Size = 4, TargetGivens = 5 }, 2).First();
        var rng = new Random(1);
        for (int k = 0; k < 10; k++)
        {
            var aug = SudokuShuffle.Random(4, rng).Apply(puzzle);
            Assert.That(solver.CountSolutions(aug.Puzzle), Is.EqualTo(1));
            Assert.That(solver.Solve(aug.Puzzle), Is.EqualTo(aug.Solution));
        }
    }

    [Test]
    public void Augment_Streams_OriginalThenCountShufflesPerGroup()
    {
        var rows = SudokuFile.ReadCsv(Fixture.SudokuGenSeeds).Take(2);
        var all = SudokuShuffle.Augment(rows, 3, seed: 9).ToList();
        Assert.That(all, Has.Count.EqualTo(8));
        Assert.That(all.Select(e => e.Group), Is.EqualTo(new[] { "0", "0", "0", "0", "1", "1", "1", "1" }));
        Assert.That(all[0].Puzzle, Is.EqualTo(rows.First().Puzzle));
        Assert.That(all.Take(4).Select(e => e.Puzzle).Distinct().Count(), Is.EqualTo(4));
    }
}
