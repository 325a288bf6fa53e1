using System.CommandLine;
using System.Globalization;
using Microsoft.ML.Trm.Onnx;

namespace Microsoft.ML.Trm.Cli;

using Command = System.CommandLine.Command; // not the namespace Microsoft.ML.Command

/// <summary><c>trm export onnx</c>: writes a model zip's TRM as an ONNX graph (docs/onnx.md).</summary>
public static partial class Cli
{
    private static Command ExportOnnxCommand(Io io, CommonOptions common)
    {
        var model = Opt.Required<string>("--model", "MODEL.zip", "Model zip of 'trm train'.");
        var output = Opt.Required<string>("--out", "MODEL.onnx", "ONNX file to write.");
        var steps = Opt.Optional<int?>("--steps", "N", "Supervision steps to unroll.", "the model's N_sup (what 'trm solve' runs)").AtLeast(1);
        var opset = Opt.Default("--opset", "V", $"ONNX opset, {TrmOnnxExportOptions.MinOpset}..{TrmOnnxExportOptions.MaxOpset}.", 17)
            .Between(TrmOnnxExportOptions.MinOpset, TrmOnnxExportOptions.MaxOpset);
        var noStepTokens = Opt.Flag("--no-step-tokens", "Leave out the step_tokens output (every step's prediction).");
        var command = new Command("onnx", "Export a model zip's TRM (embeddings, the full recursion over all supervision steps, output and halt heads, EMA weights) " +
            "as an ONNX model that runs on ONNX Runtime or ML.NET's ApplyOnnxModel without TorchSharp. Graph interface: input tokens int64 [batch, seq] " +
            "(+ puzzle_ids int64 [batch] for models with several puzzle identifiers); outputs predicted_tokens int64 [batch, seq], confidence float [batch], " +
            "step_tokens int64 [batch, steps, seq]. See docs/onnx.md.") { model, output, steps, opset, noStepTokens };
        command.SetAction(r => ExportOnnx(r.GetValue(model)!, r.GetValue(output)!, r.GetValue(steps), r.GetValue(opset), r.GetValue(noStepTokens), io));
        return command;
    }

    private static int ExportOnnx(string modelPath, string output, int? steps, int opset, bool noStepTokens, Io io)
    {
        var ml = new MLContext(seed: 0);
        var loaded = ModelFile.Load(ml, modelPath);
        var options = new TrmOnnxExportOptions
        {
            SupervisionSteps = steps,
            Opset = opset,
            IncludeStepTokens = !noStepTokens,
            Codec = loaded.Codec,
        };
        try { loaded.Trm.ExportOnnx(output, options); }
        catch (Exception e) when (e is NotSupportedException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            throw new CliException($"{output}: {e.Message}", e);
        }
        var size = new FileInfo(output).Length;
        int unrolled = options.SupervisionSteps ?? loaded.Trm.Options.MaxSupervisionSteps;
        io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrote {output}: {size / 1e6:F1} MB, opset {options.Opset}, {unrolled} supervision steps, task {loaded.Task} ({loaded.Codec.Id})"));
        return Ok;
    }
}
