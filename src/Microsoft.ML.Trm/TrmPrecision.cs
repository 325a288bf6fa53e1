namespace Microsoft.ML.Trm;

/// <summary>The arithmetic of the forward and backward passes.</summary>
public enum TrmPrecision
{
    /// <summary>float32 on CPU, bfloat16 with float32 master weights on CUDA (as the reference).</summary>
    Auto,

    /// <summary>float32 everywhere.</summary>
    Float32,

    /// <summary>bfloat16 activations with float32 master weights.</summary>
    BFloat16,
}
