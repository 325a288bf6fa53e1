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
    /// On CPU, MLP-T's position mixer runs in blocks of batch items whose gate/up output stays under this many bytes
    /// (16 MB: 8 items at hidden 512; `tiny`'s 64 items at hidden 64 are one block). Unblocked, at the paper presets'
    /// batch 32 that output is 64 MB per call: beyond the caches between the two products, and above glibc's mmap
    /// threshold (at most 32 MB), so every call mapped and faulted in fresh memory. Blocks are reused from the heap and stay in cache. Same arithmetic per item
    /// (docs/performance.md, "Blocked SwiGLU"). The channel SwiGLU is not blocked: its [B·S×D]·[D×2I] product lost more
    /// to smaller M than it gained, and smaller MLP-T blocks (8 MB) slowed `tiny` by 10–30 % for at most a few percent at
    /// hidden 512. CUDA gets one block. Settable only for the benchmark's --micro-swiglu.
    /// </summary>
    internal static long CpuBlockBytes { get; set; } = 16L << 20;

    /// <summary>
    /// The same SwiGLU applied along axis 0 of a sequence-major state x [size, batch, channels] (MLP-T's position mixer),
    /// i.e. forward(x.permute(1, 2, 0)).permute(2, 0, 1), computed as two plain 2-D products on x viewed as
    /// [size, batch·channels]: W_down · (SiLU(W_gate · X) ⊙ (W_up · X)). Both products read and write contiguous memory,
    /// and the gate and up halves are contiguous row blocks (docs/performance.md, "Why MLP-T runs slower per FLOP").
    /// On CPU the batch is split into blocks (<see cref="CpuBlockBytes"/>).
    /// </summary>
    public Tensor ForwardAlongAxis0(Tensor x)
    {
        var gateUpWeight = _gateUp.Weight.dtype == x.dtype ? _gateUp.Weight : _gateUp.Weight.to(x.dtype);
        var downWeight = _down.Weight.dtype == x.dtype ? _down.Weight : _down.Weight.to(x.dtype);
        long batchBlock = BatchBlock(x);
        if (batchBlock >= x.shape[1]) return MixAlongAxis0(x, gateUpWeight, downWeight);
        var blocks = x.split(batchBlock, 1).Select(block => MixAlongAxis0(block, gateUpWeight, downWeight)).ToArray();
        return cat(blocks, 1);                                                                              // [size, batch, channels]
    }

    private static Tensor MixAlongAxis0(Tensor x, Tensor gateUpWeight, Tensor downWeight)
    {
        var flat = x.reshape(x.shape[0], -1);                   // [size, block·channels], a view (strided rows)
        var parts = gateUpWeight.mm(flat).chunk(2, 0);          // [2·inner, block·channels] → gate, up
        return downWeight.mm(nn.functional.silu(parts[0]) * parts[1]).view(x.shape);
    }

    /// <summary>How many batch items keep the gate/up output within <see cref="CpuBlockBytes"/> (all of them on CUDA).</summary>
    private long BatchBlock(Tensor x)
    {
        if (x.device_type != DeviceType.CPU) return long.MaxValue;
        long bytesPerItem = 2L * InnerSize * x.shape[2] * x.element_size();
        return Math.Max(1, CpuBlockBytes / bytesPerItem);
    }

    public override Tensor forward(Tensor x)
    {
        var gateUp = _gateUp.forward(x);                 // [..., 2·inner]
        var parts = gateUp.chunk(2, -1);                 // gate = first half, up = second half
        return _down.forward(nn.functional.silu(parts[0]) * parts[1]);
    }
}
