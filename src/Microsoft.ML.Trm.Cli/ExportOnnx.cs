using System.Globalization;
using Microsoft.ML.Trm.Onnx;

namespace Microsoft.ML.Trm.Cli;

/// <summary><c>trm export onnx</c>: writes a model zip's TRM as an ONNX graph (docs/onnx.md).</summary>
public static partial class Cli
{
    // A property, not a field: Specs (Cli.cs) reads it during static initialisation, whose order across partial files is undefined.
    internal static CommandSpec ExportOnnxSpec => new("export onnx",
        "Export a model zip's TRM (embeddings, the full recursion over all supervision steps, output and halt heads, EMA weights) as an ONNX model that runs on ONNX Runtime or ML.NET's ApplyOnnxModel without TorchSharp.",
        "trm export onnx --model MODEL.zip --out MODEL.onnx [--steps N] [--opset 17]",
        new OptionSpec("model", "Model zip of 'trm train'.", null, "MODEL.zip"),
        new OptionSpec("out", "ONNX file to write.", null, "MODEL.onnx"),
        new OptionSpec("steps", "Supervision steps to unroll.", null, "N") { DefaultText = "the model's N_sup (what 'trm solve' runs)" },
        new OptionSpec("opset", $"ONNX opset, {TrmOnnxExportOptions.MinOpset}..{TrmOnnxExportOptions.MaxOpset}.", "17", "V"),
        new OptionSpec("no-step-tokens", "Leave out the step_tokens output (every step's prediction)."),
        new OptionSpec("verbose", "Show stack traces."))
    {
        Notes = "Graph interface: input tokens int64 [batch, seq] (+ puzzle_ids int64 [batch] for models with several puzzle identifiers); "
            + "outputs predicted_tokens int64 [batch, seq], confidence float [batch], step_tokens int64 [batch, steps, seq]. See docs/onnx.md.",
    };

    private static int ExportOnnx(ParsedArgs a, Io io)
    {
        var ml = new MLContext(seed: 0);
        string modelPath = a.Required("model"), output = a.Required("out");
        var loaded = ModelFile.Load(ml, modelPath);
        var options = new TrmOnnxExportOptions
        {
            SupervisionSteps = a.OptionalInt("steps", 1),
            Opset = a.Int("opset", TrmOnnxExportOptions.MinOpset, TrmOnnxExportOptions.MaxOpset),
            IncludeStepTokens = !a.Flag("no-step-tokens"),
            Codec = loaded.Codec,
        };
        try { loaded.Trm.ExportOnnx(output, options); }
        catch (Exception e) when (e is NotSupportedException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            throw new CliException($"{output}: {e.Message}", e);
        }
        var size = new FileInfo(output).Length;
        int steps = options.SupervisionSteps ?? loaded.Trm.Options.MaxSupervisionSteps;
        io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrote {output}: {size / 1e6:F1} MB, opset {options.Opset}, {steps} supervision steps, task {loaded.Task} ({loaded.Codec.Id})"));
        return Ok;
    }
}
