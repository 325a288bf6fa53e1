using Microsoft.ML.Data;
using Microsoft.ML.Trm.Data;
using Microsoft.ML.Trm.MlNet;

namespace Microsoft.ML.Trm;

/// <summary>
/// Decodes a known-size token vector (<c>Vector&lt;Int32&gt;</c> or whole-numbered <c>Vector&lt;Single&gt;</c>, dense or
/// sparse, <see cref="PuzzleCodec.SequenceLength"/> slots) into a text column.
/// Created by <see cref="TrmCatalog.DecodePuzzle(TransformsCatalog, string, string, PuzzleCodec)"/>.
/// </summary>
public sealed class PuzzleDecodingTransformer : PuzzleCodecTransformer, IMlNetLoadable<PuzzleDecodingTransformer>
{
    internal const string LoaderSignature = "TrmPuzzleDecode";
    internal const string UserName = "TRM Puzzle Decoding Transformer";

    internal PuzzleDecodingTransformer(string outputColumnName, string inputColumnName, PuzzleCodec codec, int batchSize = DefaultBatchSize)
        : base(outputColumnName, inputColumnName, codec, ColumnRequirement.KnownSizeVector(codec.SequenceLength, NumberDataViewType.Int32, NumberDataViewType.Single),
            TextDataViewType.Instance,
            self => new CodecMapper<int[], string>(self, batchSize, row => ColumnReaders.Int32Vector(row, inputColumnName, codec.SequenceLength),
                tokens => codec.Decode(tokens), BatchOutputColumn.Text<string>(outputColumnName, text => text)))
    {
    }

    static ModelVersion IMlNetLoadable<PuzzleDecodingTransformer>.ModelVersion { get; } = Version("TRMPZDEC", LoaderSignature);

    private protected override void Save(ModelSaveContext ctx) => ModelSaveWriter.Save<PuzzleDecodingTransformer>(ctx, WriteBody);

    static PuzzleDecodingTransformer IMlNetLoadable<PuzzleDecodingTransformer>.Load(ModelLoadReader reader) => Load(reader, (output, input, codec) => new PuzzleDecodingTransformer(output, input, codec));
}
