using Microsoft.ML.Trm.Data;

namespace Microsoft.ML.Trm.Onnx;

/// <summary>Options of <see cref="TrmTransformer.ExportOnnx(string, TrmOnnxExportOptions?)"/>.</summary>
public sealed class TrmOnnxExportOptions
{
    /// <summary>Lowest and highest default-domain opset the exporter writes.</summary>
    public const int MinOpset = 17, MaxOpset = 21;

    /// <summary>
    /// Supervision steps to unroll. Default (null): the model's <see cref="TrmOptions.MaxSupervisionSteps"/>, which is
    /// what <c>Transform</c> runs with <see cref="TrmOptions.HaltAtInference"/> off (the default).
    /// </summary>
    public int? SupervisionSteps { get; set; }

    /// <summary>ONNX opset of the default domain, <see cref="MinOpset"/>..<see cref="MaxOpset"/>. Default 17.</summary>
    public int Opset { get; set; } = 17;

    /// <summary>Also output <c>step_tokens</c>, every step's prediction [batch, steps, seq]. Default true.</summary>
    public bool IncludeStepTokens { get; set; } = true;

    /// <summary>The puzzle codec, written to the metadata (codec identifier, task, vocabulary). Default null: not written.</summary>
    public PuzzleCodec? Codec { get; set; }
}
