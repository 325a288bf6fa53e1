namespace Microsoft.ML.Trm.Onnx;

/// <summary>
/// The fixed interface of an exported TRM graph (<see cref="TrmTransformer.ExportOnnx(string, TrmOnnxExportOptions?)"/>):
/// names of its inputs, outputs and metadata properties. Services may rely on them.
/// </summary>
public static class TrmOnnxNames
{
    /// <summary>Input: puzzle tokens, int64 [batch, seq].</summary>
    public const string Tokens = "tokens";

    /// <summary>Input (only when the model has more than one puzzle identifier): int64 [batch]; unknown identifiers use 0.</summary>
    public const string PuzzleIds = "puzzle_ids";

    /// <summary>Output: the predicted tokens after the last supervision step, int64 [batch, seq].</summary>
    public const string PredictedTokens = "predicted_tokens";

    /// <summary>Output: sigmoid of the last step's halt logit, float [batch].</summary>
    public const string Confidence = "confidence";

    /// <summary>Output (with <see cref="TrmOnnxExportOptions.IncludeStepTokens"/>): every step's tokens, int64 [batch, steps, seq].</summary>
    public const string StepTokens = "step_tokens";

    /// <summary>The symbolic batch dimension of inputs and outputs.</summary>
    public const string BatchDimension = "batch";

    /// <summary>Metadata: the TRM options the model was trained with (JSON, <see cref="TrmOptions"/> property names).</summary>
    public const string OptionsMetadata = "trm.options";

    /// <summary>Metadata: the network architecture (JSON, upstream config keys).</summary>
    public const string ArchitectureMetadata = "trm.architecture";

    /// <summary>Metadata: supervision steps the graph unrolls.</summary>
    public const string SupervisionStepsMetadata = "trm.supervision_steps";

    /// <summary>Metadata: the puzzle task, e.g. "sudoku" (when known at export).</summary>
    public const string TaskMetadata = "trm.task";

    /// <summary>Metadata: the puzzle codec's identifier, e.g. "sudoku:9" (see <c>PuzzleCodec.FromId</c>), when known.</summary>
    public const string CodecMetadata = "trm.codec";

    /// <summary>Metadata: the vocabulary, a JSON object from token to its text form (token 0 is "PAD").</summary>
    public const string VocabularyMetadata = "trm.vocabulary";

    /// <summary>Metadata: optimiser steps the exported weights have seen.</summary>
    public const string TrainedStepsMetadata = "trm.trained_steps";
}
