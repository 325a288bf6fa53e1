namespace Microsoft.ML.Trm;

/// <summary>How a block mixes information across sequence positions.</summary>
public enum TrmMixer
{
    /// <summary>Self-attention with rotary positions (TRM-Att; upstream <c>mlp_t: False</c>).</summary>
    Attention,

    /// <summary>A SwiGLU across sequence positions, per channel (TRM-MLP; upstream <c>mlp_t: True</c>).</summary>
    MlpT,
}

/// <summary>Positional information added to the tokens (upstream <c>pos_encodings</c>).</summary>
public enum TrmPositionEncoding
{
    /// <summary>Rotary embeddings on queries and keys (upstream <c>rope</c>).</summary>
    Rope,

    /// <summary>A learned table added to the token embeddings (upstream <c>learned</c>).</summary>
    Learned,

    /// <summary>No positional encoding (upstream <c>none</c>; used with <see cref="TrmMixer.MlpT"/>).</summary>
    None,
}

/// <summary>The answer loss (upstream <c>loss.loss_type</c>).</summary>
public enum TrmLossType
{
    /// <summary>Stablemax cross-entropy computed in float64 (upstream default <c>stablemax_cross_entropy</c>).</summary>
    Stablemax,

    /// <summary>Plain softmax cross-entropy.</summary>
    Softmax,
}

/// <summary>The optimiser of the network weights.</summary>
public enum TrmOptimizer
{
    /// <summary>Adam with an atan2 update and no epsilon, as the reference code uses (package adam-atan2).</summary>
    AdamAtan2,

    /// <summary>AdamW, as the paper's text names it.</summary>
    AdamW,
}

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
