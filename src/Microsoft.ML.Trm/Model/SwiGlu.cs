using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Microsoft.ML.Trm.Model;

/// <summary>
/// SwiGLU feed-forward without biases (upstream layers.py SwiGLU): one fused gate/up projection, SiLU(gate)·up,
/// then the down projection. The inner size is round(expansion·size·2/3) rounded up to a multiple of 256.
/// </summary>
internal sealed class SwiGlu : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "gate_up_proj")] private readonly CastedLinear _gateUp;
    [ComponentName(Name = "down_proj")] private readonly CastedLinear _down;

    public SwiGlu(int size, double expansion, Generator? generator) : base(nameof(SwiGlu))
    {
        InnerSize = InnerSizeFor(size, expansion);
        _gateUp = new CastedLinear(size, 2L * InnerSize, withBias: false, generator);
        _down = new CastedLinear(InnerSize, size, withBias: false, generator);
        RegisterComponents();
    }

    public int InnerSize { get; }

    /// <summary>Python's round() (ties to even), then up to a multiple of 256: 512 → 1536, 97 → 512.</summary>
    public static int InnerSizeFor(int size, double expansion)
    {
        int inter = (int)Math.Round(expansion * size * 2 / 3, MidpointRounding.ToEven);
        return (inter + 255) / 256 * 256;
    }

    /// <summary>
    /// The same SwiGLU applied along axis 0 of a sequence-major state x [size, batch, channels] (MLP-T's position mixer),
    /// i.e. forward(x.permute(1, 2, 0)).permute(2, 0, 1), computed as two plain 2-D products on x viewed as
    /// [size, batch·channels]: W_down · (SiLU(W_gate · X) ⊙ (W_up · X)). Both products read and write contiguous memory,
    /// and the gate and up halves are contiguous row blocks (docs/performance.md, "Why MLP-T runs slower per FLOP").
    /// </summary>
    public Tensor ForwardAlongAxis0(Tensor x)
    {
        var flat = x.reshape(x.shape[0], -1);                                                               // [size, batch·channels]
        var gateUp = (_gateUp.Weight.dtype == x.dtype ? _gateUp.Weight : _gateUp.Weight.to(x.dtype)).mm(flat); // [2·inner, batch·channels]
        var parts = gateUp.chunk(2, 0);
        var down = _down.Weight.dtype == x.dtype ? _down.Weight : _down.Weight.to(x.dtype);
        return down.mm(nn.functional.silu(parts[0]) * parts[1]).view(x.shape);                            // [size, batch, channels]
    }

    public override Tensor forward(Tensor x)
    {
        var gateUp = _gateUp.forward(x);                 // [..., 2·inner]
        var parts = gateUp.chunk(2, -1);                 // gate = first half, up = second half
        return _down.forward(nn.functional.silu(parts[0]) * parts[1]);
    }
}
