using Microsoft.ML.Data;
using Microsoft.ML.Trm.Data;
using Microsoft.ML.Trm.MlNet;

namespace Microsoft.ML.Trm;

/// <summary>
/// Encodes a text column of puzzles into a known-size <c>Vector&lt;Int32&gt;</c> of <see cref="PuzzleCodec.SequenceLength"/>
/// tokens. Created by <see cref="TrmCatalog.EncodePuzzle(TransformsCatalog, string, string, PuzzleCodec)"/>.
/// </summary>
public sealed class PuzzleEncodingTransformer : PuzzleCodecTransformer, IMlNetLoadable<PuzzleEncodingTransformer>
{
    internal const string LoaderSignature = "TrmPuzzleEncode";
    internal const string UserName = "TRM Puzzle Encoding Transformer";

    internal PuzzleEncodingTransformer(string outputColumnName, string inputColumnName, PuzzleCodec codec, int batchSize = DefaultBatchSize)
        : base(outputColumnName, inputColumnName, codec, ColumnRequirement.Text, new VectorDataViewType(NumberDataViewType.Int32, codec.SequenceLength),
            self => new CodecMapper<string, int[]>(self, batchSize, row => ColumnReaders.Text(row, inputColumnName), codec.Encode,
                BatchOutputColumn.Vector<int[], int>(outputColumnName, NumberDataViewType.Int32, codec.SequenceLength, tokens => tokens)))
    {
    }

    static ModelVersion IMlNetLoadable<PuzzleEncodingTransformer>.ModelVersion { get; } = Version("TRMPZENC", LoaderSignature);

    private protected override void Save(ModelSaveContext ctx) => ModelSaveWriter.Save<PuzzleEncodingTransformer>(ctx, WriteBody);

    static PuzzleEncodingTransformer IMlNetLoadable<PuzzleEncodingTransformer>.Load(ModelLoadReader reader) => Load(reader, (output, input, codec) => new PuzzleEncodingTransformer(output, input, codec));
}
