using TorchSharp;
namespace Microsoft.ML.Trm.Tests;
public class SmokeTests
{
    [Test]
    public void Torch_Loads() => Assert.That(torch.ones(2).sum().item<float>(), Is.EqualTo(2f));
}
