using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Microsoft.ML.Trm.Model;

/// <summary>Embedding table kept in float32 and cast to the activation dtype on lookup (upstream CastedEmbedding).</summary>
internal sealed class CastedEmbedding : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "embedding_weight")]
    private readonly Parameter _weight;
    private readonly ScalarType _castTo;

    public CastedEmbedding(long count, long dim, double initStd, ScalarType castTo, Generator? generator) : base(nameof(CastedEmbedding))
    {
        _weight = new Parameter(Init.TruncatedNormal_(empty(count, dim), initStd, generator));
        _castTo = castTo;
        RegisterComponents();
    }

    public Parameter Weight => _weight;

    /// <summary>ids: int64 [...] → [..., dim] in the activation dtype.</summary>
    public override Tensor forward(Tensor ids)
    {
        var shape = ids.shape.Append(_weight.shape[1]).ToArray();
        var rows = _weight.index_select(0, ids.reshape(-1)).view(shape);
        return rows.dtype == _castTo ? rows : rows.to(_castTo);
    }
}
