using Microsoft.ML.Data;
using Microsoft.ML.Trm.Data;
using Microsoft.ML.Trm.MlNet;

namespace Microsoft.ML.Trm.Tests.MlNet;

public class SchemaValidationTests
{
    private sealed class Int16Row
    {
        [VectorType(16)]
        public int[] Puzzle { get; set; } = new int[16];
    }

    private sealed class TextVectorRow
    {
        [VectorType(81)]
        public string[] Puzzle { get; set; } = Enumerable.Repeat("1", 81).ToArray();
    }

    private static readonly MLContext Ml = new(seed: 1);

    // SchemaShape.Create(DataViewSchema) is internal in ML.NET 5.0.1.
    private static SchemaShape ShapeOf(DataViewSchema schema) => new(schema.Select(c => SchemaShapes.ToShapeColumn(c.Name, c.Type)));

    [Test]
    public void DecodePuzzle_MissingColumn_SaysNotFound()
    {
        var data = Ml.Data.LoadFromEnumerable(new[] { new Int16Row() });
        var estimator = Ml.Transforms.DecodePuzzle("Text", "Tokens", PuzzleKind.Sudoku);
        var fromShape = Assert.Throws<ArgumentOutOfRangeException>(() => estimator.GetOutputSchema(ShapeOf(data.Schema)));
        var fromFit = Assert.Throws<ArgumentOutOfRangeException>(() => estimator.Fit(data));
        Assert.That(fromShape!.Message, Does.StartWith("Input column 'Tokens' was not found."));
        Assert.That(fromFit!.Message, Does.StartWith("Input column 'Tokens' was not found."));
    }

    [Test]
    public void DecodePuzzle_WrongVectorLength_NamesTypeAndExpectedShape()
    {
        var data = Ml.Data.LoadFromEnumerable(new[] { new Int16Row() });
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Ml.Transforms.DecodePuzzle("Text", "Puzzle", PuzzleKind.Sudoku).Fit(data));
        Assert.That(ex!.Message, Does.StartWith(
            "Column 'Puzzle' has type Vector<Int32, 16>; expected a known-size vector of Int32 or Single with 81 slots."));
    }

    [Test]
    public void DecodePuzzle_WrongItemType_RejectedFromShapeAndSchema()
    {
        var data = Ml.Data.LoadFromEnumerable(new[] { new TextVectorRow() });
        var estimator = Ml.Transforms.DecodePuzzle("Text", "Puzzle", PuzzleKind.Sudoku);
        var fromShape = Assert.Throws<ArgumentOutOfRangeException>(() => estimator.GetOutputSchema(ShapeOf(data.Schema)));
        Assert.That(fromShape!.Message, Does.StartWith(
            "Column 'Puzzle' has type Vector<String>; expected a known-size vector of Int32 or Single with 81 slots."));
        var transformer = new PuzzleDecodingTransformer("Text", "Puzzle", new SudokuCodec());
        var fromSchema = Assert.Throws<ArgumentOutOfRangeException>(() => transformer.GetOutputSchema(data.Schema));
        Assert.That(fromSchema!.Message, Does.StartWith(
            "Column 'Puzzle' has type Vector<String, 81>; expected a known-size vector of Int32 or Single with 81 slots."));
    }

    [Test]
    public void EncodePuzzle_NonTextInput_SaysExpectedString()
    {
        var data = Ml.Data.LoadFromEnumerable(new[] { new Int16Row() });
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Ml.Transforms.EncodePuzzle("Tokens", "Puzzle", PuzzleKind.Sudoku4).Fit(data));
        Assert.That(ex!.Message, Does.StartWith("Column 'Puzzle' has type Vector<Int32, 16>; expected a scalar of type String."));
    }

    [Test]
    public void EncodePuzzle_GetOutputSchema_AppendsKnownSizeInt32Vector()
    {
        var data = CodecPipeline.Data(Ml, CodecPipeline.Sudokus);
        var shape = Ml.Transforms.EncodePuzzle("Tokens", "Puzzle", PuzzleKind.Sudoku).GetOutputSchema(ShapeOf(data.Schema));
        var tokens = shape.Single(c => c.Name == "Tokens");
        Assert.That((tokens.Kind, tokens.ItemType), Is.EqualTo((SchemaShape.Column.VectorKind.Vector, (DataViewType)NumberDataViewType.Int32)));
        var schema = Ml.Transforms.EncodePuzzle("Tokens", "Puzzle", PuzzleKind.Sudoku).Fit(data).GetOutputSchema(data.Schema);
        Assert.That(schema["Tokens"].Type, Is.EqualTo(new VectorDataViewType(NumberDataViewType.Int32, 81)));
    }
}
