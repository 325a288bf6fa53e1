#!/usr/bin/env dotnet
// TRM on 4×4 Sudoku as a .NET 10 file-based app: train, evaluate, save, load and solve, in one file.
//   dotnet run sudoku.cs            (150 training steps, about a minute on 2 CPU cores)
//   dotnet run sudoku.cs -- 400     (more steps)
// Put it in a folder with the nuget.config of docs/getting-started.md (a local folder holding Microsoft.ML.Trm's
// .nupkg, plus nuget.org). Linux x64 as written; the backend line for other platforms is in docs/platforms.md.
// PublishAot=false: file-based apps default to Native AOT, which turns off the dynamic code ML.NET needs to read
// C# classes (LoadFromEnumerable, PredictionEngine).
// Tested: test/Microsoft.ML.Trm.Tests/Package/FileBasedSampleTests.cs runs this file against the packed library.
#:package Microsoft.ML.Trm@0.1.0
#:package libtorch-cpu-linux-x64@2.10.0
#:property PlatformTarget=x64
#:property PublishAot=false

using Microsoft.ML;
using Microsoft.ML.Trm;
using Microsoft.ML.Trm.Data;

int steps = args.Length > 0 ? int.Parse(args[0]) : 150;
TorchSharp.torch.set_num_threads(1);                    // small models train fastest on one CPU thread

// Data: generated 4×4 puzzles with a unique solution; held-out puzzles the training set does not contain.
var ml = new MLContext(seed: 0);
var generator = new SudokuGeneratorOptions { Size = 4, TargetGivens = 10 };
var examples = SudokuGenerator.Generate(generator, seed: 1).Take(2000).ToList();
var seen = examples.Select(e => e.Puzzle).ToHashSet();
var heldOut = SudokuGenerator.Generate(generator, seed: 2).Where(e => !seen.Contains(e.Puzzle)).Take(100).ToList();
var train = ml.Data.LoadFromEnumerable(examples.Select(e => new SudokuRow { Puzzle = e.Puzzle, Solution = e.Solution }));
var test = ml.Data.LoadFromEnumerable(heldOut.Select(e => new SudokuRow { Puzzle = e.Puzzle, Solution = e.Solution }));

// Pipeline: puzzle text in, solution text out (TrmSolver encodes, trains the TRM and decodes).
var options = TrmPresets.Create(TrmPresets.Tiny);
options.MaxSteps = steps;
var pipeline = ml.Transforms.TrmSolver(PuzzleKind.Sudoku4, "Puzzle", "Solution", options);

// Train, evaluate on the held-out puzzles, save with an input schema of Puzzle only.
var model = pipeline.Fit(train);
var metrics = ml.EvaluateTrmSolver(model.Transform(test), PuzzleKind.Sudoku4);
Console.WriteLine($"trained {steps} steps; held-out: {metrics}");
ml.Model.Save(model, ml.Data.LoadFromEnumerable(new List<PuzzleInput>()).Schema, "sudoku.zip");

// Load (a plain Model.Load) and solve a puzzle.
var context = new MLContext();
var loaded = context.Model.Load("sudoku.zip", out _);
var engine = context.Model.CreatePredictionEngine<PuzzleInput, SudokuPrediction>(loaded);
var puzzle = heldOut[0];
var answer = engine.Predict(new PuzzleInput { Puzzle = puzzle.Puzzle });
Console.WriteLine($"{puzzle.Puzzle} -> {answer.PredictedSolution} (confidence {answer.Confidence:P0}): "
    + (answer.PredictedSolution == puzzle.Solution ? "solved" : "not solved, train longer"));

public sealed class SudokuRow
{
    public string Puzzle { get; set; } = "";      // 16 characters, '.' for blanks
    public string Solution { get; set; } = "";
}

public sealed class PuzzleInput                   // what solving needs: the puzzle only
{
    public string Puzzle { get; set; } = "";
}

public sealed class SudokuPrediction
{
    public string PredictedSolution { get; set; } = "";
    public float Confidence { get; set; }
}
