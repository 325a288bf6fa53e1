using Microsoft.ML.Trm.Data;

namespace Microsoft.ML.Trm.Cli;

public static partial class Cli
{
    /// <summary>The built-in demo of <c>trm train</c> with no --data (sized for 2 CPU cores and a few minutes).</summary>
    public static class Demo
    {
        public const int Size = 9, Givens = 40, TrainCount = 6000, ValidCount = 300, TrainSeed = 1, ValidSeed = 2, MaxSteps = 1500;
        public const double MaxMinutes = 3.0;

        /// <summary>The demo's options on top of the <c>tiny</c> preset.</summary>
        public static void Configure(TrmOptions o)
        {
            o.EvaluateEverySteps = 100;
            o.UseEma = false;   // EMA (0.99) lags a few hundred steps behind; in a 3-minute run the raw weights validate better
        }
    }

    /// <summary>The data piece: the demo's generated Sudoku, or the task's files.</summary>
    private static (LoadedData Train, LoadedData? Valid) LoadTrainingData(TrainRequest request, Io io)
    {
        if (request.Demo)
        {
            io.Line($"trm train: built-in demo: {Demo.Size}×{Demo.Size} Sudoku with {Demo.Givens} givens, {Demo.TrainCount} training and {Demo.ValidCount} held-out puzzles, preset '{request.Preset}'.");
            var generator = new SudokuGeneratorOptions { Size = Demo.Size, TargetGivens = Demo.Givens };
            var trainList = SudokuGenerator.Generate(generator, Demo.TrainSeed).Take(Demo.TrainCount).ToList();
            var seen = trainList.Select(e => e.Puzzle).ToHashSet();
            var validList = SudokuGenerator.Generate(generator, Demo.ValidSeed).Where(e => !seen.Contains(e.Puzzle)).Take(Demo.ValidCount).ToList();
            var codec = new SudokuCodec(Demo.Size);
            return (new LoadedData("sudoku", codec, trainList), new LoadedData("sudoku", codec, validList));
        }
        var train = Tasks.Load(request.Task, request.DataPath!, ArcSplit.Train);
        var valid = request.ValidPath is { } v ? Tasks.Load(request.Task, v, request.Task == "arc" ? ArcSplit.Test : ArcSplit.Train) : null;
        if (valid is not null && valid.Codec.Id != train.Codec.Id)
            throw new CliException($"{request.ValidPath}: puzzles of '{valid.Codec.Id}', but the training data holds '{train.Codec.Id}'.");
        return (train, valid);
    }
}
