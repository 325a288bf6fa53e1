using Microsoft.ML.Trm.Model;

namespace Microsoft.ML.Trm.Cli;

/// <summary>
/// The configurations <c>trm compare</c> knows: the paper's models and ablations (arXiv 2510.04871 Tables 1, 2 and 4),
/// scaled to a CPU. Every one starts from the <c>tiny</c> preset (hidden size from <c>--hidden</c>, T=2, n=2, N_sup=4,
/// batch 64, lr 3e-3) with Sudoku shuffles (the reference's augmentation) and changes only what the paper's row changes.
/// </summary>
internal static class CompareConfigurations
{
    /// <summary>One configuration: its <c>--configs</c> name, the table label, the paper's Sudoku-Extreme exact accuracy (%).</summary>
    public sealed record Entry(string Name, string Label, double PaperExact);

    public static readonly IReadOnlyList<Entry> All = new Entry[]
    {
        new("trm-mlp", "TRM-MLP", 87.4),
        new("trm-att", "TRM-Att", 74.7),
        new("hrm", "HRM", 55.0),
        new("direct", "Direct (params ≈ HRM)", 0.0),
        new("single-z", "TRM-MLP, single z", 71.9),
        new("one-step-gradient", "TRM-MLP, 1-step gradient", 56.5),
        new("no-ema", "TRM-MLP, no EMA", 79.9),
        new("act-continue", "TRM-MLP, ACT continue loss", 86.1),
    };

    /// <summary>Every name, in the table's order.</summary>
    public static IReadOnlyList<string> Names { get; } = All.Select(e => e.Name).ToArray();

    /// <summary>The entry called <paramref name="name"/>, or null.</summary>
    public static Entry? Find(string name) => All.FirstOrDefault(e => e.Name == name);

    /// <summary>
    /// The options of configuration <paramref name="name"/> for Sudoku rows of <paramref name="sequenceLength"/> tokens.
    /// The run sets the seed and the step budget.
    /// </summary>
    public static TrmOptions Create(string name, int hidden, int vocabSize, int sequenceLength)
    {
        var mlp = Tiny(hidden);
        switch (name)
        {
            case "trm-mlp": return mlp;
            case "trm-att": return Attention(mlp);
            case "hrm": return Hrm(mlp);
            case "direct":
                // The paper's direct Transformer has HRM's size: attention blocks, as many as match the scaled HRM's parameters.
                var direct = DirectBaseline.Match(Hrm(mlp), Attention(mlp), vocabSize, sequenceLength).Options;
                direct.UseEma = false;
                return direct;
            case "single-z": mlp.SingleLatent = true; return mlp;
            case "one-step-gradient": mlp.OneStepGradient = true; return mlp;
            case "no-ema": mlp.UseEma = false; return mlp;
            case "act-continue": mlp.ActContinueLoss = true; return mlp;
            default: throw new UsageException($"--configs: unknown configuration '{name}': use {string.Join(", ", Names)}.");
        }
    }

    /// <summary>A one-line description of the architecture and switches (the table's setup column).</summary>
    public static string Describe(TrmOptions o)
    {
        var mixer = o.Mixer == TrmMixer.MlpT ? "MLP-T" : "att";
        string text = o.Architecture switch
        {
            TrmArchitectureKind.Hrm => $"HRM {mixer}, H {o.HighLevelLayers} + L {o.Layers} blocks, H_cycles {o.OuterCycles}, L_cycles {o.InnerCycles}, N_sup {o.MaxSupervisionSteps}",
            TrmArchitectureKind.Direct => $"direct {mixer}, {o.Layers} blocks, 1 step",
            _ => $"TRM {mixer}, {o.Layers} blocks, T {o.OuterCycles}, n {o.InnerCycles}, N_sup {o.MaxSupervisionSteps}",
        };
        var flags = new List<string>();
        if (o.SingleLatent) flags.Add("single z");
        if (o.OneStepGradient) flags.Add("1-step grad");
        if (o.ActContinueLoss) flags.Add("continue loss");
        flags.Add(o.UseEma ? "EMA" : "no EMA");
        return $"{text}, D {o.HiddenSize}, {string.Join(", ", flags)}";
    }

    private static TrmOptions Tiny(int hidden)
    {
        var o = TrmPresets.Create(TrmPresets.Tiny);
        o.HiddenSize = hidden;
        o.NumHeads = Math.Max(1, hidden / 16);
        o.Augmentation = TrmAugmentation.Sudoku;
        o.Epochs = 1_000_000;   // the budget decides when a run stops
        return o;
    }

    private static TrmOptions Attention(TrmOptions mlp)
    {
        var o = mlp.Clone();
        o.Mixer = TrmMixer.Attention;
        o.PositionEncoding = TrmPositionEncoding.Rope;
        return o;
    }

    /// <summary>HRM's structure (preset <c>hrm</c>: 4 + 4 attention blocks, H_cycles = L_cycles = 2, continue loss, no EMA) at this width and recipe.</summary>
    private static TrmOptions Hrm(TrmOptions mlp)
    {
        var o = Attention(mlp);
        o.Architecture = TrmArchitectureKind.Hrm;
        o.Layers = 4; o.HighLevelLayers = 4;
        o.OuterCycles = 2; o.InnerCycles = 2;
        o.ActContinueLoss = true;
        o.UseEma = false;
        return o;
    }
}
