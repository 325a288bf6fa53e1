using System.CommandLine;

namespace Microsoft.ML.Trm.Cli;

using Command = System.CommandLine.Command; // not the namespace Microsoft.ML.Command

public static partial class Cli
{
    /// <summary><c>trm compare</c>: the paper's comparison (TRM vs HRM vs direct, and TRM's ablations) on the user's data.</summary>
    private static Command CompareCommand(Io io)
    {
        var task = Opt.Default("--task", "TASK", "Puzzle family (the comparison is defined for sudoku).", "sudoku").Suggest("sudoku");
        var data = Opt.Optional<string>("--data", "TRAIN.csv", "Training puzzles (CSV of 'trm generate sudoku'). Required.");
        var valid = Opt.Optional<string>("--valid", "VALID.csv", "Held-out puzzles, never seen in training. Required.");
        var configs = Opt.Default("--configs", "LIST", "Comma-separated configurations: " + string.Join(", ", CompareConfigurations.Names) + ".",
            string.Join(',', CompareConfigurations.Names));
        var hidden = Opt.Default("--hidden", "D", "Hidden size of every configuration.", 64).AtLeast(8);
        var budgetFlops = Opt.Optional<double?>("--budget-flops", "F", "Estimated training FLOPs per run (equal compute; steps = F / FLOPs per step).");
        var budgetMinutes = Opt.Optional<double?>("--budget-minutes", "M", "Training minutes per run (equal wall time) instead of --budget-flops.");
        var seeds = Opt.Default("--seeds", "N", "Seeds per configuration (0 … N−1).", 2).AtLeast(1);
        var jobs = Opt.Default("--jobs", "N", "Runs in parallel; each gets cores / N libtorch threads.", 1).AtLeast(1);
        var curvePoints = Opt.Default("--curve-points", "K", "Held-out evaluations per run for curves.png (the last is the final one).", 4).AtLeast(1);
        var curveSample = Opt.Default("--curve-sample", "S", "Held-out puzzles evaluated at the intermediate curve points (the final evaluation uses all).", 200).AtLeast(1);
        var output = Opt.Optional<string>("--out", "DIR", "Folder for results.json, results.md and curves.png. Required.");
        var resume = Opt.Flag("--resume", "Keep the finished runs in DIR/results.json and run only the others (same data and settings).");
        var command = new Command("compare", "Train several configurations (TRM-MLP, TRM-Att, HRM, a direct baseline, TRM ablations) on the same data for the same " +
            "compute, evaluate them on the same held-out puzzles and write results.json, results.md (the paper's figures beside ours) and curves.png. " +
            "The files are rewritten after every finished run: Ctrl+C keeps them, and --resume continues.")
            { task, data, valid, configs, hidden, budgetFlops, budgetMinutes, seeds, jobs, curvePoints, curveSample, output, resume };
        command.SetAction(r =>
        {
            var request = CompareRequest.Resolve(r.GetValue(task)!, r.GetValue(data), r.GetValue(valid), r.GetValue(configs)!, r.GetValue(hidden),
                r.GetValue(budgetFlops), r.GetValue(budgetMinutes), r.GetValue(seeds), r.GetValue(jobs), r.GetValue(curvePoints), r.GetValue(curveSample),
                r.GetValue(output), r.GetValue(resume));
            return new CompareRunner(request, io).Run();
        });
        return command;
    }

    /// <summary>A fraction as a percentage with one decimal ("40.0%").</summary>
    internal static string Percent(double v) => Pct(v);
}
