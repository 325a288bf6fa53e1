using Microsoft.ML.Data;
using Microsoft.ML.Trm.Data;

namespace Microsoft.ML.Trm.Tests.MlNet;

public class BatchingTests
{
    private static readonly MLContext Ml = new(seed: 1);

    private static string[] TenPuzzles() => Enumerable.Range(0, 10).Select(i => CodecPipeline.Sudokus[i % CodecPipeline.Sudokus.Length]).ToArray();

    [Test]
    public void Transform_BatchSize4_TenRows_ComputesThreeTimes()
    {
        var puzzles = TenPuzzles();
        var encoder = new PuzzleEncodingTransformer("Tokens", "Puzzle", new SudokuCodec(), batchSize: 4);
        var view = encoder.Transform(CodecPipeline.Data(Ml, puzzles));
        Assert.That(encoder.BatchMapper.ComputeCalls, Is.EqualTo(0), "Transform must be lazy");

        var rows = Ml.Data.CreateEnumerable<CodecOutputTokens>(view, reuseRowObject: false).ToList();

        Assert.That(encoder.BatchMapper.ComputeCalls, Is.EqualTo(3));
        Assert.That(rows.Select(r => r.Puzzle), Is.EqualTo(puzzles), "pass-through column cached per row");
        Assert.That(rows.Select(r => r.Tokens), Is.EqualTo(puzzles.Select(p => new SudokuCodec().Encode(p))));
    }

    [Test]
    public void Transform_OnlyPassThroughColumnRead_ComputesNothing()
    {
        var encoder = new PuzzleEncodingTransformer("Tokens", "Puzzle", new SudokuCodec(), batchSize: 4);
        var puzzles = encoder.Transform(CodecPipeline.Data(Ml, TenPuzzles())).GetColumn<string>("Puzzle").ToList();
        Assert.That(puzzles, Has.Count.EqualTo(10));
        Assert.That(encoder.BatchMapper.ComputeCalls, Is.EqualTo(0));
    }

    [Test]
    public void PredictionEngine_ComputesOneRowPerPredict()
    {
        var encoder = new PuzzleEncodingTransformer("Tokens", "Puzzle", new SudokuCodec(), batchSize: 4);
        var engine = Ml.Model.CreatePredictionEngine<PuzzleRow, CodecOutputTokens>(encoder);
        foreach (var puzzle in CodecPipeline.Sudokus)
            Assert.That(engine.Predict(new PuzzleRow { Puzzle = puzzle }).Tokens, Is.EqualTo(new SudokuCodec().Encode(puzzle)));
        Assert.That(encoder.BatchMapper.ComputeCalls, Is.EqualTo(CodecPipeline.Sudokus.Length));
    }

    [Test]
    public void EncodePuzzle_BadText_ThrowsWithColumnRowAndCodecMessage()
    {
        var puzzles = new[] { CodecPipeline.Sudokus[0], CodecPipeline.Sudokus[1], CodecPipeline.Sudokus[2][..80] };
        var view = Ml.Transforms.EncodePuzzle("Tokens", "Puzzle", PuzzleKind.Sudoku).Fit(CodecPipeline.Data(Ml, puzzles))
            .Transform(CodecPipeline.Data(Ml, puzzles));
        var ex = Assert.Throws<PuzzleFormatException>(() => view.GetColumn<VBuffer<int>>("Tokens").ToList());
        Assert.That(ex!.Message, Is.EqualTo("Column 'Puzzle', row 2: sudoku: expected 81 characters, found 80."));
    }

    [Test]
    public void DecodePuzzle_SingleVectorInput_DecodesLikeInt32()
    {
        var data = CodecPipeline.Data(Ml, CodecPipeline.Sudokus);
        var model = Ml.Transforms.EncodePuzzle("Tokens", "Puzzle", PuzzleKind.Sudoku)
            .Append(Ml.Transforms.Conversion.ConvertType("Floats", "Tokens", DataKind.Single))
            .Append(Ml.Transforms.DecodePuzzle("Decoded", "Floats", PuzzleKind.Sudoku))
            .Fit(data);
        var decoded = model.Transform(data).GetColumn<string>("Decoded").ToList();
        Assert.That(decoded, Is.EqualTo(CodecPipeline.Sudokus.Select(p => p.Replace('0', '.'))));
    }

    [Test]
    public void DecodePuzzle_TokenOutsideVocabulary_ThrowsWithColumnAndRow()
    {
        var tokens = new SudokuCodec().Encode(CodecPipeline.Sudokus[0]);
        tokens[5] = 42;
        var data = Ml.Data.LoadFromEnumerable(new[] { new TokensRow { Tokens = new SudokuCodec().Encode(CodecPipeline.Sudokus[1]) }, new TokensRow { Tokens = tokens } });
        var view = Ml.Transforms.DecodePuzzle("Text", "Tokens", PuzzleKind.Sudoku).Fit(data).Transform(data);
        var ex = Assert.Throws<PuzzleFormatException>(() => view.GetColumn<string>("Text").ToList());
        Assert.That(ex!.Message, Does.StartWith("Column 'Tokens', row 1: sudoku: token 42 at position 5"));
    }

    [Test]
    public void Environment_BehindTransformsCatalog_IsReachable()
    {
        var ml = new MLContext(seed: 7) { GpuDeviceId = 3, FallbackToCpu = true };
        var env = MlNetInternals.GetEnvironment(ml.Transforms);
        Assert.That((MlNetInternals.GetSeed(env), MlNetInternals.GetGpuDeviceId(env), MlNetInternals.GetFallbackToCpu(env)), Is.EqualTo(((int?)7, (int?)3, true)));
        Assert.That(MlNetInternals.IsCanceled(env), Is.False);
        Assert.DoesNotThrow(() => MlNetInternals.ThrowIfCanceled(env));
        var messages = new List<string>();
        ml.Log += (_, e) => messages.Add(e.Message);
        using (var channel = env.Start("Trm"))
            channel.Info(Microsoft.ML.Runtime.MessageSensitivity.None, "channel works");
        Assert.That(messages, Has.Some.Contains("channel works"));
    }

    /// <summary>Tokens only.</summary>
    public sealed class TokensRow
    {
        /// <summary>Tokens.</summary>
        [VectorType(81)]
        public int[] Tokens { get; set; } = Array.Empty<int>();
    }

    /// <summary>Puzzle and tokens.</summary>
    public sealed class CodecOutputTokens
    {
        /// <summary>Puzzle.</summary>
        public string Puzzle { get; set; } = "";

        /// <summary>Tokens.</summary>
        [VectorType(81)]
        public int[] Tokens { get; set; } = Array.Empty<int>();
    }
}
