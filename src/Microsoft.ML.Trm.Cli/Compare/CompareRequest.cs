namespace Microsoft.ML.Trm.Cli;

/// <summary>
/// What <c>trm compare</c> was asked to do, checked: every mistake is a <see cref="UsageException"/> that names the
/// option (exit code 2). Exactly one of <see cref="BudgetFlops"/> and <see cref="BudgetMinutes"/> is set.
/// </summary>
internal sealed record CompareRequest(string Task, string DataPath, string ValidPath, IReadOnlyList<string> Configs, int Hidden,
    double? BudgetFlops, double? BudgetMinutes, int Seeds, int Jobs, int CurvePoints, int CurveSample, string OutDir, bool Resume)
{
    /// <summary>Libtorch threads per run: the cores shared out between the parallel runs (at least 1).</summary>
    public int ThreadsPerJob => Math.Max(1, Environment.ProcessorCount / Jobs);

    /// <summary>Checks the raw option values (files, names, ranges) and returns the request.</summary>
    public static CompareRequest Resolve(string task, string? data, string? valid, string configs, int hidden, double? budgetFlops, double? budgetMinutes,
        int seeds, int jobs, int curvePoints, int curveSample, string? outDir, bool resume)
    {
        if (task != "sudoku") throw new UsageException($"--task: 'trm compare' supports sudoku (the paper's comparison task), got '{task}'.");
        RequireFile("--data", data);
        RequireFile("--valid", valid);
        if (budgetFlops is null == budgetMinutes is null)
            throw new UsageException("give exactly one of --budget-flops (equal estimated training FLOPs per run) and --budget-minutes (equal wall time per run).");
        if (budgetFlops is { } f && !(f > 0 && double.IsFinite(f))) throw new UsageException($"--budget-flops must be a positive number, got {f}.");
        if (budgetMinutes is { } m && !(m > 0 && double.IsFinite(m))) throw new UsageException($"--budget-minutes must be a positive number, got {m}.");
        if (string.IsNullOrWhiteSpace(outDir)) throw new UsageException("--out DIR is required (results.json, results.md and curves.png go there).");
        return new CompareRequest(task, data!, valid!, ParseConfigs(configs), hidden, budgetFlops, budgetMinutes, seeds, jobs, curvePoints, curveSample, outDir, resume);
    }

    /// <summary>The comma-separated <c>--configs</c> list: known names, no repeats, in the given order.</summary>
    public static IReadOnlyList<string> ParseConfigs(string configs)
    {
        var names = configs.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (names.Length == 0) throw new UsageException($"--configs needs at least one of {string.Join(", ", CompareConfigurations.Names)}.");
        foreach (var name in names)
            if (CompareConfigurations.Find(name) is null)
                throw new UsageException($"--configs: unknown configuration '{name}': use {string.Join(", ", CompareConfigurations.Names)}.");
        var repeated = names.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null) throw new UsageException($"--configs: '{repeated.Key}' is listed twice.");
        return names;
    }

    private static void RequireFile(string option, string? path)
    {
        if (string.IsNullOrEmpty(path)) throw new UsageException($"{option} PATH is required.");
        if (!File.Exists(path)) throw new UsageException($"{option}: file not found: {path}.");
    }
}
