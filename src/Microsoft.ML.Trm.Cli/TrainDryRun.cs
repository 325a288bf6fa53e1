using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Microsoft.ML.Trm.Cli;

public static partial class Cli
{
    /// <summary>
    /// <c>trm train ... --dry-run [--json]</c>: the plan the library would train by (<see cref="TrmSolverEstimator.Plan(IDataView)"/>,
    /// for ARC <see cref="TrmEstimator.Plan(IDataView)"/>), so a paper-scale run's cost is known before it starts.
    /// </summary>
    private static int DryRun(TrmTrainingPlan plan, string task, bool json, Io io)
    {
        if (json)
        {
            var options = new JsonSerializerOptions { WriteIndented = true, Converters = { new JsonStringEnumConverter() } };
            var node = JsonSerializer.SerializeToNode(plan, options)!.AsObject();
            node.Insert(0, "task", task);
            io.Line(node.ToJsonString(options));
            return Ok;
        }
        var c = CultureInfo.InvariantCulture;
        io.Line($"task                    {task}");
        io.Line($"rows                    {plan.Rows.ToString("N0", c)}");
        io.Line($"groups                  {plan.Groups.ToString("N0", c)} ({plan.Puzzles.ToString("N0", c)} stored puzzles)");
        io.Line($"mean examples/puzzle    {plan.MeanExamplesPerPuzzle.ToString("0.###", c)}");
        io.Line($"augmentation            {plan.Augmentation}" + (plan.MembersPerPuzzle > 1 ? $" ({plan.MembersPerPuzzle.ToString("N0", c)} members per puzzle, one drawn per group per epoch)" : ""));
        io.Line($"examples per epoch      {plan.ExamplesPerEpoch.ToString("N0", c)}");
        io.Line($"batch                   {plan.BatchSize.ToString("N0", c)}");
        io.Line($"epochs                  {plan.Epochs.ToString("N0", c)} in {plan.Iterations.ToString("N0", c)} iteration(s) of {plan.EpochsPerIteration.ToString("N0", c)}");
        io.Line($"total steps             {plan.TotalSteps.ToString("N0", c)}" + (plan.TotalSteps != plan.ScheduledSteps ? $" (capped; the schedule gives {plan.ScheduledSteps.ToString("N0", c)})" : "") + " = int(epochs × groups × mean examples / batch)");
        io.Line($"evaluation              after each iteration (every {plan.EpochsPerIteration.ToString("N0", c)} epochs)" + (plan.EvaluateEverySteps > 0 ? $" and every {plan.EvaluateEverySteps.ToString("N0", c)} steps" : "") + ", with --valid");
        io.Line($"checkpoints             " + (plan.CheckpointEverySteps is { } n ? $"every {n.ToString("N0", c)} steps, " : "") + (plan.CheckpointEveryMinutes is { } m ? $"every {m.ToString("0.##", c)} minutes, " : "") + "and at the end");
        io.Line($"parameters              {plan.Parameters.ToString("N0", c)} (+ puzzle table of {plan.PuzzleIdentifiers.ToString("N0", c)} rows)");
        io.Line($"est. FLOPs per step     {plan.FlopsPerStep.ToString("E2", c)} (total {(plan.FlopsPerStep * plan.TotalSteps).ToString("E2", c)})");
        return Ok;
    }
}
