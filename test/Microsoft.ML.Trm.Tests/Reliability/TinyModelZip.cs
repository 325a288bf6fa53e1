using Microsoft.ML.Trm.Tests.Trm;

namespace Microsoft.ML.Trm.Tests.Reliability;

/// <summary>A small trained TRM saved as a model zip, made once per test run.</summary>
internal static class TinyModelZip
{
    private static readonly Lazy<byte[]> Zip = new(() =>
    {
        var ml = new MLContext(seed: 0);
        var data = ml.Data.LoadFromEnumerable(TrmEstimatorTests.TokenRows(32));
        var model = ml.Transforms.Trm(TrmPipeline.SmallOptions(maxSteps: 2)).Fit(data);
        var stream = new MemoryStream();
        ml.Model.Save(model, data.Schema, stream);
        return stream.ToArray();
    });

    public static byte[] Bytes => Zip.Value;
}
