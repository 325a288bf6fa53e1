namespace Microsoft.ML.Trm;

/// <summary>The arithmetic of the forward and backward passes.</summary>
public enum TrmPrecision
{
    /// <summary>
    /// bfloat16 with float32 master weights on CUDA (as the reference); on the CPU float32, except training on a CPU with
    /// bfloat16 matrix units (Intel AMX, <see cref="TrmDevice.CpuHasBFloat16MatrixUnits"/>), which runs in bfloat16 with
    /// float32 master weights. CPU inference is float32 either way.
    /// </summary>
    Auto,

    /// <summary>float32 everywhere.</summary>
    Float32,

    /// <summary>bfloat16 activations with float32 master weights.</summary>
    BFloat16,
}
