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
    /// On CPU the SwiGLU runs in blocks whose gate/up intermediate stays under this many bytes (rows of the token-major
    /// input, columns of MLP-T's [size, batch·channels] view). Larger intermediates are allocated by glibc with a fresh
    /// mmap on every call (its mmap threshold is at most 32 MB), so each call paid page faults on 38–64 MB of new memory;
    /// blocks of at most 16 MB are reused from the heap and stay in cache between the two products. The result is the
    /// same arithmetic row by row (docs/performance.md, "Blocked SwiGLU"). CUDA gets one block: fewer, larger kernels.
    /// </summary>
    internal const long CpuBlockBytes = 16L << 20;

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
        long batchBlock = BlockLength(x, rowsPerItem: x.shape[2]);
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

    /// <summary>How many items along the blocked axis keep the gate/up intermediate within <see cref="CpuBlockBytes"/>.</summary>
    private long BlockLength(Tensor x, long rowsPerItem)
    {
        if (x.device_type != DeviceType.CPU) return long.MaxValue;
        long bytesPerItem = 2L * InnerSize * rowsPerItem * x.element_size();
        return Math.Max(1, CpuBlockBytes / bytesPerItem);
    }

    public override Tensor forward(Tensor x)
    {
        long rows = x.numel() / x.shape[^1];
        long rowBlock = BlockLength(x, rowsPerItem: 1);
        if (rowBlock >= rows) return ForwardBlock(x);
        var flat = x.reshape(rows, x.shape[^1]);
        var blocks = flat.split(rowBlock, 0).Select(ForwardBlock).ToArray();
        var shape = x.shape.ToArray();
        shape[^1] = blocks[0].shape[^1];
        return cat(blocks, 0).view(shape);
    }

    private Tensor ForwardBlock(Tensor x)
    {
        var gateUp = _gateUp.forward(x);                 // [..., 2·inner]
        var parts = gateUp.chunk(2, -1);                 // gate = first half, up = second half
        return _down.forward(nn.functional.silu(parts[0]) * parts[1]);
    }
}
