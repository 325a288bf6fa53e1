using System.Globalization;
using System.Text.Json;
using Google.Protobuf;
using Microsoft.ML.Trm.Model;
using global::Onnx;
using static TorchSharp.torch;

namespace Microsoft.ML.Trm.Onnx;

/// <summary>Writes a fitted TRM as an ONNX model: the inference graph (<see cref="TrmOnnxGraph"/>), its weights and metadata.</summary>
internal static class TrmOnnxExport
{
    /// <summary>IR version each supported opset needs (onnx/helper.py VERSION_TABLE).</summary>
    private static int IrVersionFor(int opset) => opset switch { <= 18 => 8, <= 20 => 9, _ => 10 };

    public static void Export(TrmTransformer transformer, Stream stream, TrmOnnxExportOptions? options)
    {
        var model = Build(transformer, options ?? new TrmOnnxExportOptions());
        model.WriteTo(stream);
    }

    public static ModelProto Build(TrmTransformer transformer, TrmOnnxExportOptions options)
    {
        var network = transformer.Network;
        var arch = network.Architecture;
        Check(arch, options);
        int steps = options.SupervisionSteps ?? arch.MaxSupervisionSteps;

        var state = ReadState(network);
        var builder = new OnnxGraphBuilder("trm", options.Opset);
        TrmOnnxGraph.Build(builder, arch, name => state.TryGetValue(name, out var w) ? w
            : throw new InvalidOperationException($"The network's state dict has no entry '{name}'."), steps, options.IncludeStepTokens);

        var model = new ModelProto
        {
            IrVersion = IrVersionFor(options.Opset),
            ProducerName = "Microsoft.ML.Trm",
            ProducerVersion = typeof(TrmOnnxExport).Assembly.GetName().Version?.ToString() ?? "",
            DocString = $"TRM (Tiny Recursive Model, arXiv 2510.04871) inference: {steps} supervision steps of T={arch.OuterCycles} x (n={arch.InnerCycles} + 1) network calls.",
            Graph = builder.Graph,
            OpsetImport = { new OperatorSetIdProto { Domain = "", Version = options.Opset } },
        };
        foreach (var (key, value) in Metadata(transformer, steps, options.Codec))
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return model;
    }

    private static void Check(TrmArchitecture arch, TrmOnnxExportOptions options)
    {
        if (options.Opset is < TrmOnnxExportOptions.MinOpset or > TrmOnnxExportOptions.MaxOpset)
            throw new ArgumentOutOfRangeException(nameof(TrmOnnxExportOptions.Opset), options.Opset,
                $"Opset must be within {TrmOnnxExportOptions.MinOpset}..{TrmOnnxExportOptions.MaxOpset}.");
        if (options.SupervisionSteps is < 1)
            throw new ArgumentOutOfRangeException(nameof(TrmOnnxExportOptions.SupervisionSteps), options.SupervisionSteps, "At least one supervision step is needed.");
        if (arch.Kind != TrmArchitectureKind.Trm)
            throw new NotSupportedException($"ONNX export supports the TRM architecture; this model is {arch.Kind} (option Architecture).");
        if (arch.SingleLatent)
            throw new NotSupportedException("ONNX export does not support the single-latent ablation (option SingleLatent).");
        if (options.Codec is { } codec && (codec.SequenceLength != arch.SequenceLength || codec.VocabSize != arch.VocabSize))
            throw new ArgumentException($"Codec '{codec.Id}' ({codec.SequenceLength} tokens, vocabulary {codec.VocabSize}) does not fit the model "
                + $"({arch.SequenceLength} tokens, vocabulary {arch.VocabSize}).", nameof(TrmOnnxExportOptions.Codec));
    }

    /// <summary>The state dict in float32 on the host (EMA weights: a fitted transformer holds them).</summary>
    private static Dictionary<string, TrmOnnxGraph.Weight> ReadState(TrmNetwork network)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var result = new Dictionary<string, TrmOnnxGraph.Weight>();
        foreach (var (name, tensor) in network.state_dict())
        {
            var host = tensor.detach().to(ScalarType.Float32).cpu().contiguous();
            result[name] = new TrmOnnxGraph.Weight(host.data<float>().ToArray(), host.shape.ToArray());
        }
        return result;
    }

    private static IEnumerable<(string Key, string Value)> Metadata(TrmTransformer transformer, int steps, Data.PuzzleCodec? codec)
    {
        yield return (TrmOnnxNames.OptionsMetadata, JsonSerializer.Serialize(transformer.Options, TrmModelFile.Json));
        yield return (TrmOnnxNames.ArchitectureMetadata, JsonSerializer.Serialize(transformer.Network.Architecture, TrmModelFile.Json));
        yield return (TrmOnnxNames.SupervisionStepsMetadata, steps.ToString(CultureInfo.InvariantCulture));
        yield return (TrmOnnxNames.TrainedStepsMetadata, transformer.TrainedSteps.ToString(CultureInfo.InvariantCulture));
        if (codec is null) yield break;
        yield return (TrmOnnxNames.TaskMetadata, codec.Name);
        yield return (TrmOnnxNames.CodecMetadata, codec.Id);
        yield return (TrmOnnxNames.VocabularyMetadata, JsonSerializer.Serialize(Vocabulary(codec)));
    }

    /// <summary>Token → its text form, read back through the codec (a row of that token, first character); 0 is "PAD".</summary>
    private static Dictionary<string, string> Vocabulary(Data.PuzzleCodec codec)
    {
        var vocabulary = new Dictionary<string, string> { ["0"] = "PAD" };
        for (int token = 1; token < codec.VocabSize; token++)
        {
            string text;
            try { text = codec.Decode(Enumerable.Repeat(token, codec.SequenceLength).ToArray()); }
            catch (PuzzleFormatException) { continue; }   // a token that cannot fill a whole grid (e.g. ARC's end-of-row)
            var symbol = text.FirstOrDefault(c => !char.IsWhiteSpace(c));
            if (symbol != default) vocabulary[token.ToString(CultureInfo.InvariantCulture)] = symbol.ToString();
        }
        return vocabulary;
    }
}
