using Microsoft.ML.Data;
using Microsoft.ML.Trm.Data;

namespace Microsoft.ML.Trm.Cli;

/// <summary>The whole-pipeline model zip: Puzzle (text) → PuzzleTokens → TRM → PredictedSolution (text).</summary>
public static class ModelFile
{
    /// <summary>Prediction-time input (Sudoku and mazes).</summary>
    public sealed class PuzzleInput
    {
        public string Puzzle { get; set; } = "";
    }

    /// <summary>Prediction-time input for ARC models, which also read the puzzle identifier.</summary>
    public sealed class ArcInput
    {
        public string Puzzle { get; set; } = "";
        public int PuzzleId { get; set; }
    }

    /// <summary>What a model predicts for one puzzle.</summary>
    public sealed class PuzzleOutput
    {
        public string PredictedSolution { get; set; } = "";
        public float Confidence { get; set; }
        public int Steps { get; set; }
    }

    /// <summary>A loaded model and what eval/solve need to know about it.</summary>
    public sealed record Loaded(ITransformer Model, PuzzleCodec Codec, TrmTransformer Trm, string Task)
    {
        public bool UsesPuzzleId => Trm.Options.PuzzleIdColumnName is not null;
    }

    /// <summary>The input schema saved with the model: Puzzle, plus PuzzleId when the TRM reads one.</summary>
    public static DataViewSchema InputSchema(MLContext ml, bool withPuzzleId) => withPuzzleId
        ? ml.Data.LoadFromEnumerable(new List<ArcInput>()).Schema
        : ml.Data.LoadFromEnumerable(new List<PuzzleInput>()).Schema;

    /// <summary>Saves atomically.</summary>
    public static void Save(MLContext ml, ITransformer model, DataViewSchema inputSchema, string path) =>
        Files.WriteAtomic(path, s => ml.Model.Save(model, inputSchema, s));

    /// <summary>Loads a model zip of <c>trm train</c> and recovers its codec from the puzzle encoder.</summary>
    public static Loaded Load(MLContext ml, string path)
    {
        if (!File.Exists(path)) throw new CliException($"{path}: model file not found.");
        ITransformer model;
        try { model = ml.Model.Load(path, out _); }
        catch (Exception e) when (e is InvalidDataException or FormatException or InvalidOperationException or ArgumentException or IOException)
        {
            throw new CliException($"{path}: not a model zip written by 'trm train' ({e.Message})", e);
        }
        var parts = Flatten(model).ToList();
        var encoder = parts.OfType<PuzzleEncodingTransformer>().FirstOrDefault()
            ?? throw new CliException($"{path}: the model has no puzzle encoder (EncodePuzzle); was it written by 'trm train'?");
        var trm = parts.OfType<TrmTransformer>().FirstOrDefault()
            ?? throw new CliException($"{path}: the model has no TRM transformer.");
        return new Loaded(model, encoder.Codec, trm, TaskOf(encoder.Codec));
    }

    public static string TaskOf(PuzzleCodec codec) => codec switch
    {
        SudokuCodec => "sudoku",
        MazeCodec => "maze",
        ArcCodec => "arc",
        _ => codec.Name,
    };

    private static IEnumerable<ITransformer> Flatten(ITransformer t)
    {
        if (t is IEnumerable<ITransformer> chain)
        {
            foreach (var inner in chain)
                foreach (var x in Flatten(inner)) yield return x;
        }
        else yield return t;
    }
}
