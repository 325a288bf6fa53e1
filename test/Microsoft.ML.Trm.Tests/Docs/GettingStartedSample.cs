// The code of docs/getting-started.md. DocsSnippetTests checks that every "snippet:" region below appears verbatim
// in that page, and GettingStartedSampleTests runs it (with fewer steps), so the page stays code that compiles and works.
#region snippet: gs-usings
using Microsoft.ML;
using Microsoft.ML.Trm;
using Microsoft.ML.Trm.Data;
#endregion

namespace Microsoft.ML.Trm.Tests.Docs;

public static class GettingStartedSample
{
    #region snippet: gs-types
    public sealed class SudokuRow
    {
        public string Puzzle { get; set; } = "";      // 16 characters, '.' for blanks
        public string Solution { get; set; } = "";
    }

    public sealed class SudokuPrediction
    {
        public string PredictedSolution { get; set; } = "";
        public float Confidence { get; set; }
    }
    #endregion

    public static (string Puzzle, string Answer, string Expected) Run(int? maxSteps = null)
    {
        #region snippet: gs-train
        TorchSharp.torch.set_num_threads(1);                    // small models train fastest on one CPU thread

        // 1. Data: 2,000 generated 4×4 puzzles with a unique solution.
        var ml = new MLContext(seed: 0);
        var generator = new SudokuGeneratorOptions { Size = 4, TargetGivens = 10 };
        var examples = SudokuGenerator.Generate(generator, seed: 1).Take(2000).ToList();
        var train = ml.Data.LoadFromEnumerable(examples.Select(e => new SudokuRow { Puzzle = e.Puzzle, Solution = e.Solution }));

        // 2. Options: the tiny preset, trained for 150 steps.
        var options = TrmPresets.Create(TrmPresets.Tiny);
        options.MaxSteps = 150;                                 // about a minute on 2 CPU cores
        #endregion

        if (maxSteps is { } steps) options.MaxSteps = steps;   // the test trains fewer steps

        #region snippet: gs-fit
        // 3. A solver from puzzle text to solution text (text → tokens → TRM → text inside); train and save.
        var pipeline = ml.Transforms.TrmSolver(PuzzleKind.Sudoku4, "Puzzle", "Solution", options);
        var model = pipeline.Fit(train);
        ml.Model.Save(model, train.Schema, "sudoku.zip");
        #endregion

        #region snippet: gs-solve
        // 4. Load (a plain Model.Load, no registration) and solve a puzzle it has not seen.
        var context = new MLContext();
        var loaded = context.Model.Load("sudoku.zip", out _);
        var engine = context.Model.CreatePredictionEngine<SudokuRow, SudokuPrediction>(loaded);

        var puzzle = SudokuGenerator.Generate(generator, seed: 7).First();
        var answer = engine.Predict(new SudokuRow { Puzzle = puzzle.Puzzle });
        Console.WriteLine($"{puzzle.Puzzle} -> {answer.PredictedSolution} (confidence {answer.Confidence:P0})");
        Console.WriteLine(answer.PredictedSolution == puzzle.Solution ? "solved" : "not solved: train longer");
        #endregion

        return (puzzle.Puzzle, answer.PredictedSolution, puzzle.Solution);
    }
}
