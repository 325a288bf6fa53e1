using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;

namespace OnnxSudoku;

/// <summary>
/// onnx-sudoku MODEL.onnx (PUZZLE... | --file PATH): solves Sudoku with an exported TRM in an ML.NET pipeline
/// (text → tokens → ApplyOnnxModel → text) and prints one line per puzzle: the answer, its confidence and whether
/// it is a valid solution. Exit code 0 when it ran, 1 on bad arguments.
/// </summary>
public static class Program
{
    public sealed class PuzzleInput
    {
        public string Puzzle { get; set; } = "";
    }

    public sealed class TokenRow
    {
        [ColumnName("tokens")] public long[] Tokens { get; set; } = Array.Empty<long>();
    }

    public sealed class ModelOutput
    {
        public string Puzzle { get; set; } = "";
        [ColumnName("predicted_tokens")] public long[] PredictedTokens { get; set; } = Array.Empty<long>();
        [ColumnName("confidence")] public float[] Confidence { get; set; } = Array.Empty<float>();
    }

    public static int Main(string[] args)
    {
        if (args.Length < 2)
        {
            Console.Error.WriteLine("usage: OnnxSudoku MODEL.onnx (PUZZLE... | --file PATH)");
            return 1;
        }
        string modelPath = args[0];
        var puzzles = args[1] == "--file" ? File.ReadLines(args[2]).Where(l => l.Trim().Length > 0).ToList() : args.Skip(1).ToList();

        // The graph's metadata names its codec ("sudoku:4" or "sudoku:9"); its input shape gives the cell count.
        int cells, size;
        using (var session = new InferenceSession(modelPath))
        {
            cells = session.InputMetadata["tokens"].Dimensions[1];
            size = (int)Math.Round(Math.Sqrt(cells));
            if (session.ModelMetadata.CustomMetadataMap.TryGetValue("trm.codec", out var codec) && codec != $"sudoku:{size}")
            {
                Console.Error.WriteLine($"{modelPath}: a '{codec}' model, not Sudoku.");
                return 1;
            }
        }

        var ml = new MLContext();
        var tokensSchema = SchemaDefinition.Create(typeof(TokenRow));
        tokensSchema["tokens"].ColumnType = new VectorDataViewType(NumberDataViewType.Int64, cells);
        var pipeline = ml.Transforms.CustomMapping<PuzzleInput, TokenRow>(
                (input, row) => row.Tokens = SudokuText.Encode(input.Puzzle, size), contractName: null, outputSchemaDefinition: tokensSchema)
            .Append(ml.Transforms.ApplyOnnxModel(new[] { "predicted_tokens", "confidence" }, new[] { "tokens" }, modelPath));

        var data = ml.Data.LoadFromEnumerable(puzzles.Select(p => new PuzzleInput { Puzzle = p.Trim() }).ToList());
        var model = pipeline.Fit(data);
        int solved = 0, total = 0;
        foreach (var row in ml.Data.CreateEnumerable<ModelOutput>(model.Transform(data), reuseRowObject: false))
        {
            var answer = SudokuText.Decode(row.PredictedTokens);
            bool valid = SudokuText.IsSolution(answer, row.Puzzle, size);
            solved += valid ? 1 : 0;
            total++;
            Console.WriteLine($"{row.Puzzle} -> {answer}  confidence {row.Confidence[0]:F3}  {(valid ? "valid" : "not valid")}");
        }
        Console.WriteLine($"solved {solved}/{total}");
        return 0;
    }
}
