namespace Microsoft.ML.Trm;

/// <summary>How a block mixes information across sequence positions.</summary>
public enum TrmMixer
{
    /// <summary>Self-attention with rotary positions (TRM-Att; upstream <c>mlp_t: False</c>).</summary>
    Attention,

    /// <summary>A SwiGLU across sequence positions, per channel (TRM-MLP; upstream <c>mlp_t: True</c>).</summary>
    MlpT,
}
