using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Microsoft.ML.Trm.Model;

/// <summary>
/// One learned vector per puzzle identifier (upstream models/sparse_embedding.py CastedSparseEmbedding).
/// The table is a zero-initialised BUFFER, not a parameter: it is excluded from the parameter count and from the
/// main optimiser. In training the rows of the batch are copied into a local tensor that receives the gradient,
/// and <see cref="SignSgdStep"/> then updates only those rows (decoupled weight decay, then sign-SGD).
/// </summary>
internal sealed class PuzzleEmbedding : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "weights")] private readonly Tensor _weights;
    private readonly ScalarType _castTo;
    private readonly LocalRows _local = new();

    public PuzzleEmbedding(int count, int dim, ScalarType castTo) : base(nameof(PuzzleEmbedding))
    {
        _weights = zeros(count, dim);
        _castTo = castTo;
        RegisterComponents();
    }

    public Tensor Weights => _weights;

    /// <summary>ids: int64 [batch] → [batch, dim].</summary>
    public override Tensor forward(Tensor ids)
    {
        if (training && is_grad_enabled())
        {
            var local = _weights.index_select(0, ids).detach().requires_grad_(true);
            _local.Ids = ids;
            _local.Rows = local;
            return local.dtype == _castTo ? local : local.to(_castTo);
        }
        var rows = _weights.index_select(0, ids);
        return rows.dtype == _castTo ? rows : rows.to(_castTo);
    }

    /// <summary>
    /// w ← w·(1 − lr·wd) − lr·sign(Σ grad) on the rows present in the last training batch (gradients of repeated
    /// identifiers are summed first, as the reference's all-gather + index_add).
    /// </summary>
    public void SignSgdStep(double lr, double weightDecay, Tensor? applied = null)
    {
        var (ids, rows) = (_local.Ids, _local.Rows);
        _local.Ids = _local.Rows = null;
        if (ids is null || rows?.grad is not { } grad) return;
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var (unique, inverse, _) = ids.unique(sorted: true, return_inverse: true);
        var summed = zeros(unique.shape[0], grad.shape[1], dtype: grad.dtype, device: grad.device).index_add_(0, inverse!, grad, 1);
        var current = _weights.index_select(0, unique);
        var updated = current * (1 - lr * weightDecay) - lr * summed.sign();
        // With the optimiser's verdict (0-dim bool) false, the rows keep their values (no copy to the host).
        _weights.index_copy_(0, unique, applied is null ? updated : where(applied, updated, current));
    }

    /// <summary>Resizes the table to <paramref name="count"/> rows, new rows set to the mean of the old ones (upstream load_checkpoint).</summary>
    public void ResizeByMean(int count)
    {
        using var _ = no_grad();
        var mean = _weights.mean(new long[] { 0 }, keepdim: true);
        var resized = mean.expand(count, _weights.shape[1]).contiguous();
        _weights.set_(resized);
    }

    /// <summary>Not state: the rows of the current training batch. A plain class field is never registered.</summary>
    private sealed class LocalRows
    {
        public Tensor? Ids;
        public Tensor? Rows;
    }
}
