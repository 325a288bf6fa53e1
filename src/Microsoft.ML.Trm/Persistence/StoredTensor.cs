using static TorchSharp.torch;

namespace Microsoft.ML.Trm.Checkpoints;

/// <summary>A tensor as stored in a PyTorch checkpoint: dtype name, shape and float32 values (bfloat16/float16 widened).</summary>
internal sealed record StoredTensor(string DType, long[] Shape, float[] Values)
{
    public Tensor ToTensor() => tensor(Values, Shape);
}
