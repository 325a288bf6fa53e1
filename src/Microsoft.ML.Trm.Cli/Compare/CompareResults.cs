using System.Text.Json;
using System.Text.Json.Serialization;

namespace Microsoft.ML.Trm.Cli;

/// <summary>
/// What a comparison run depends on besides the configurations and seeds: a <c>--resume</c> continues only when
/// these are the same (data compared by content, not by path).
/// </summary>
internal sealed record CompareSettings
{
    public required string Task { get; init; }
    public required string Data { get; init; }
    public required string DataSha256 { get; init; }
    public required int TrainPuzzles { get; init; }
    public required string Valid { get; init; }
    public required string ValidSha256 { get; init; }
    public required int HeldOutPuzzles { get; init; }
    public required int Hidden { get; init; }
    public double? BudgetFlops { get; init; }
    public double? BudgetMinutes { get; init; }
    public required int CurvePoints { get; init; }
    public required int CurveSample { get; init; }
}

/// <summary>One point of a run's held-out curve: the metrics after <see cref="Step"/> steps, on <see cref="Puzzles"/> puzzles.</summary>
internal sealed record CurvePoint(long Step, double TrainingFlops, double ExactAccuracy, double TokenAccuracy, double BlankCellAccuracy, int Puzzles);

/// <summary>One finished (configuration, seed) run.</summary>
internal sealed record CompareRunResult
{
    public required string Config { get; init; }
    public required int Seed { get; init; }
    public required string Label { get; init; }
    public required string Description { get; init; }
    public double? PaperExact { get; init; }
    public required long Parameters { get; init; }
    public required long Steps { get; init; }
    public required double FlopsPerStep { get; init; }
    public required double TrainingFlops { get; init; }
    /// <summary>Training wall time, seconds, without the curve evaluations.</summary>
    public required double TrainSeconds { get; init; }
    /// <summary>Wall time of the final held-out evaluation, seconds.</summary>
    public required double EvalSeconds { get; init; }
    public required int Threads { get; init; }
    public required double ExactAccuracy { get; init; }
    public required double TokenAccuracy { get; init; }
    public required double BlankCellAccuracy { get; init; }
    public required double MeanTrainSupervisionSteps { get; init; }
    public required double FinalTrainLoss { get; init; }
    public required IReadOnlyList<CurvePoint> Curve { get; init; }
}

/// <summary>The contents of <c>results.json</c>: the settings and every finished run.</summary>
internal sealed record CompareResults
{
    public required CompareSettings Settings { get; init; }
    public List<CompareRunResult> Runs { get; init; } = new();
    /// <summary>Wall time of the command(s) that produced the runs, seconds (summed over resumed invocations).</summary>
    public double WallSeconds { get; set; }

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads <paramref name="path"/>; a file that is not a results file is a <see cref="CliException"/> naming it.</summary>
    public static CompareResults Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<CompareResults>(File.ReadAllText(path), Json) ?? throw new JsonException("empty");
        }
        catch (JsonException e)
        {
            throw new CliException($"{path}: not a results file of 'trm compare' ({e.Message.Split('\n')[0]}). Remove it or choose another --out.", e);
        }
    }

    /// <summary>Whether (config, seed) is already finished.</summary>
    public bool Has(string config, int seed) => Runs.Any(r => r.Config == config && r.Seed == seed);

    /// <summary>
    /// Refuses to continue results made with other data or settings, naming the option that differs
    /// (<paramref name="path"/> is the recorded file, for the message).
    /// </summary>
    public void CheckSameSettings(CompareSettings current, string path)
    {
        var recorded = Settings;
        void Differs(string option, object? was, object? now) => throw new UsageException(
            $"--resume: {path} was made with {option} {was ?? "(not given)"}, this command has {option} {now ?? "(not given)"}. " +
            "Run with the recorded settings, or choose another --out to start afresh.");
        if (recorded.Task != current.Task) Differs("--task", recorded.Task, current.Task);
        if (recorded.DataSha256 != current.DataSha256) Differs("--data", $"{recorded.Data} (sha256 {recorded.DataSha256[..12]}…)", $"{current.Data} (sha256 {current.DataSha256[..12]}…)");
        if (recorded.ValidSha256 != current.ValidSha256) Differs("--valid", $"{recorded.Valid} (sha256 {recorded.ValidSha256[..12]}…)", $"{current.Valid} (sha256 {current.ValidSha256[..12]}…)");
        if (recorded.Hidden != current.Hidden) Differs("--hidden", recorded.Hidden, current.Hidden);
        if (recorded.BudgetFlops != current.BudgetFlops) Differs("--budget-flops", recorded.BudgetFlops, current.BudgetFlops);
        if (recorded.BudgetMinutes != current.BudgetMinutes) Differs("--budget-minutes", recorded.BudgetMinutes, current.BudgetMinutes);
        if (recorded.CurvePoints != current.CurvePoints) Differs("--curve-points", recorded.CurvePoints, current.CurvePoints);
        if (recorded.CurveSample != current.CurveSample) Differs("--curve-sample", recorded.CurveSample, current.CurveSample);
    }
}
