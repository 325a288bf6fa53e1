namespace Microsoft.ML.Trm;

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
