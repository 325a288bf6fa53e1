namespace Microsoft.ML.Trm;

/// <summary>The TRM weights format (the <c>TrmModel.bin</c> entry of a saved model zip).</summary>
public static class TrmModelFormat
{
    /// <summary>
    /// The format version this library writes, and the newest it reads (older versions load too).
    /// A model saved by this library carries exactly this version.
    /// </summary>
    public const int Version = Model.TrmModelFile.FormatVersion;
}
