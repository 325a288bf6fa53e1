namespace Microsoft.ML.Trm.MlNet;

/// <summary>
/// Signatures and versions of one transformer's saved form (ML.NET's VersionInfo without the internals).
/// </summary>
/// <param name="ModelSignature">Exactly 8 ASCII characters identifying the format, e.g. "TRMPZENC".</param>
/// <param name="VersionWritten">Version written now.</param>
/// <param name="VersionReadable">Oldest reader version able to read what is written now.</param>
/// <param name="VersionWeCanReadBack">Oldest written version this code can still read.</param>
/// <param name="LoaderSignature">The name ML.NET maps to the loader (fewer than 24 characters).</param>
internal sealed record ModelVersion(string ModelSignature, uint VersionWritten, uint VersionReadable, uint VersionWeCanReadBack, string LoaderSignature)
{
    internal object ToVersionInfo(Type loaderType)
    {
        if (ModelSignature.Length != 8 || ModelSignature.Any(c => c > 127))
            throw new ArgumentException($"Model signature '{ModelSignature}' must be exactly 8 ASCII characters.");
        if (LoaderSignature.Length >= 24)
            throw new ArgumentException($"Loader signature '{LoaderSignature}' must be shorter than 24 characters.");
        return MlNetInternals.CreateVersionInfo(ModelSignature, VersionWritten, VersionReadable, VersionWeCanReadBack,
            loaderType.Assembly.FullName!, LoaderSignature);
    }
}
