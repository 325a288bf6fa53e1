using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.ML.Data;
using Microsoft.ML.Trm.Data;

namespace Microsoft.ML.Trm.Cli;

using Command = System.CommandLine.Command; // not the namespace Microsoft.ML.Command

public static partial class Cli
{
    /// <summary>Metrics of one evaluation: overall, by rating (when the data has ratings), ARC pass@k (when voting was possible).</summary>
    internal sealed record EvalResult(TrmMetrics Metrics, IReadOnlyList<(string Rating, long Count, double Exact)> ByRating, double? PassAt1, double? PassAt2);

    private static Command EvalCommand(Io io, CommonOptions common)
    {
        var model = Opt.Required<string>("--model", "MODEL.zip", "Model zip of 'trm train'.");
        var data = Opt.Required<string>("--data", "PATH", "Labelled data in the model's task format (ARC: folder of 'trm generate arc', test split).");
        var json = Opt.Flag("--json", "Print one JSON object instead of text.");
        var command = common.AddTo(new Command("eval", "Evaluate a model on labelled data: exact (whole puzzle), token and halt accuracy, mean supervision steps; " +
            "Sudoku: by rating; ARC: pass@1/pass@2 after voting over augmentations.") { model, data, json });
        command.SetAction(r =>
        {
            var ml = NewContext(r, common);
            var loaded = ModelFile.Load(ml, r.GetValue(model)!);
            SetThreads(r, common);
            return Eval(ml, loaded, r.GetValue(model)!, r.GetValue(data)!, r.GetValue(json), io);
        });
        return command;
    }

    private static int Eval(MLContext ml, ModelFile.Loaded loaded, string modelPath, string dataPath, bool json, Io io)
    {
        var data = Tasks.Load(loaded.Task, dataPath, ArcSplit.Test);
        if (data.Codec.Id != loaded.Codec.Id)
            throw new CliException($"{dataPath}: puzzles of '{data.Codec.Id}', but the model {modelPath} was trained on '{loaded.Codec.Id}'.");
        var quiet = json ? new Io(TextWriter.Null, io.Err, false, io.Verbose, io.Cancel) : io;
        var r = Evaluate(ml, loaded, data, quiet);
        if (json)
        {
            using var stream = new MemoryStream();
            using (var w = new Utf8JsonWriter(stream))
            {
                w.WriteStartObject();
                w.WriteString("model", modelPath);
                w.WriteString("data", dataPath);
                w.WriteString("task", loaded.Task);
                w.WriteNumber("count", r.Metrics.Count);
                w.WriteNumber("exact_accuracy", r.Metrics.ExactAccuracy);
                w.WriteNumber("token_accuracy", r.Metrics.TokenAccuracy);
                w.WriteNumber("halt_accuracy", r.Metrics.HaltAccuracy);
                w.WriteNumber("mean_steps", r.Metrics.MeanSteps);
                if (r.ByRating.Count > 0)
                {
                    w.WriteStartArray("by_rating");
                    foreach (var (rating, count, exact) in r.ByRating)
                    {
                        w.WriteStartObject();
                        w.WriteString("rating", rating); w.WriteNumber("count", count); w.WriteNumber("exact_accuracy", exact);
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                }
                if (r.PassAt1 is { } p1) w.WriteNumber("pass_at_1", p1);
                if (r.PassAt2 is { } p2) w.WriteNumber("pass_at_2", p2);
                w.WriteEndObject();
            }
            io.Out.WriteLine(Encoding.UTF8.GetString(stream.ToArray()));
            return Ok;
        }
        io.Line($"{modelPath} on {dataPath} ({r.Metrics.Count} puzzles):");
        io.Line($"  exact accuracy  {Pct(r.Metrics.ExactAccuracy),7}");
        io.Line($"  token accuracy  {Pct(r.Metrics.TokenAccuracy),7}");
        io.Line($"  halt accuracy   {Pct(r.Metrics.HaltAccuracy),7}");
        io.Line($"  mean steps      {r.Metrics.MeanSteps,7:F2}");
        if (r.ByRating.Count > 0)
        {
            io.Line("  by rating:");
            foreach (var (rating, count, exact) in r.ByRating) io.Line($"    {rating,-10} {count,6} puzzles  exact {Pct(exact),7}");
        }
        if (r.PassAt2 is { } pass2) io.Line($"  ARC pass@1 {Pct(r.PassAt1!.Value)}  pass@2 {Pct(pass2)} (voting over augmentations)");
        else if (loaded.Task == "arc") io.Line("  ARC pass@k: not computed (no tasks/ folder next to the data; use the folder written by 'trm generate arc').");
        return Ok;
    }

    /// <summary>Runs the model over labelled data once, with progress; computes overall metrics, the rating breakdown and ARC voting.</summary>
    internal static EvalResult Evaluate(MLContext ml, ModelFile.Loaded loaded, LoadedData data, Io io)
    {
        var view = PuzzleDataViews.FromExamples(ml, data.Examples, data.Codec);
        var options = loaded.Trm.Options;
        // Cache the scored rows so TrmEvaluator and the breakdown below read one model pass.
        var scored = ml.Data.Cache(loaded.Model.Transform(view), options.PredictedTokensColumnName, options.ConfidenceColumnName, options.StepsColumnName,
            PuzzleDataViews.Columns.SolutionTokens, PuzzleDataViews.Columns.Rating);
        var predicted = scored.Schema[options.PredictedTokensColumnName];
        var confidence = scored.Schema[options.ConfidenceColumnName];
        var labels = scored.Schema[PuzzleDataViews.Columns.SolutionTokens];
        var ratingColumn = scored.Schema[PuzzleDataViews.Columns.Rating];
        var buckets = new SortedDictionary<double, (string Name, long Count, long Exact)>();
        ArcVoter? voter = data.ArcTasks is not null && data.TestIndices is not null ? new ArcVoter() : null;
        var clock = Stopwatch.StartNew();
        int total = data.Examples.Count;
        using (var cursor = scored.GetRowCursor(new[] { predicted, confidence, labels, ratingColumn }))
        {
            var getPredicted = cursor.GetGetter<VBuffer<int>>(predicted);
            var getLabels = cursor.GetGetter<VBuffer<int>>(labels);
            var getConfidence = cursor.GetGetter<float>(confidence);
            var getRating = cursor.GetGetter<float>(ratingColumn);
            VBuffer<int> p = default, y = default;
            float c = 0, rating = 0;
            int row = 0;
            while (cursor.MoveNext())
            {
                io.Cancel.ThrowIfCancellationRequested();
                getPredicted(ref p); getLabels(ref y); getConfidence(ref c); getRating(ref rating);
                var pd = p.DenseValues().ToArray(); var yd = y.DenseValues().ToArray();
                bool exact = true;
                for (int i = 0; i < yd.Length; i++) if (yd[i] != PuzzleCodec.Pad && yd[i] != pd[i]) { exact = false; break; }
                if (!float.IsNaN(rating))
                {
                    var (key, name) = Bucket(rating);
                    var b = buckets.TryGetValue(key, out var old) ? old : (name, 0L, 0L);
                    buckets[key] = (b.Item1, b.Item2 + 1, b.Item3 + (exact ? 1 : 0));
                }
                if (voter is not null) voter.Add(data.Examples[row].Name!, data.TestIndices![row], pd, c);
                row++;
                if (row % 64 == 0 || row == total)
                {
                    double rate = row / Math.Max(1e-9, clock.Elapsed.TotalSeconds);
                    io.Status($"evaluating {row}/{total} puzzles  {rate:F0} puzzles/s  ETA {Eta(TimeSpan.FromSeconds((total - row) / Math.Max(rate, 1e-9)))}");
                }
            }
        }
        io.EndLine();
        var metrics = TrmEvaluator.Evaluate(scored, PuzzleDataViews.Columns.SolutionTokens, options.PredictedTokensColumnName, options.ConfidenceColumnName, options.StepsColumnName);
        var byRating = buckets.Count > 1 ? buckets.Values.Select(b => (b.Name, b.Count, (double)b.Exact / b.Count)).ToList() : new List<(string, long, double)>();
        double? pass1 = null, pass2 = null;
        if (voter is not null)
        {
            var score = voter.Score(data.ArcTasks!, 1, 2);
            pass1 = score.PassAtK[1]; pass2 = score.PassAtK[2];
        }
        return new EvalResult(metrics, byRating, pass1, pass2);
    }

    /// <summary>Rating buckets: 0, then powers of ten (1-9, 10-99, ...).</summary>
    private static (double Key, string Name) Bucket(float rating)
    {
        if (rating <= 0) return (0, "0");
        int k = (int)Math.Floor(Math.Log10(rating));
        double lo = Math.Pow(10, k);
        return (lo, $"{lo.ToString(CultureInfo.InvariantCulture)}-{(Math.Pow(10, k + 1) - 1).ToString(CultureInfo.InvariantCulture)}");
    }

    private static Command SolveCommand(Io io, CommonOptions common)
    {
        var model = Opt.Required<string>("--model", "MODEL.zip", "Model zip of 'trm train' (Sudoku or maze).");
        var file = Opt.Optional<string>("--file", "PATH", "Puzzles to solve: a CSV of the task, or (Sudoku) one puzzle per line.");
        var limit = Opt.Optional<int?>("--limit", "N", "Solve at most N puzzles of the file.", "all").AtLeast(1);
        var puzzle = new Argument<string?>("PUZZLE") { Description = "Sudoku as 16 or 81 characters, '.' or '0' for blanks, e.g. 1.3.3..2.1.34..1", Arity = ArgumentArity.ZeroOrOne };
        var command = common.AddTo(new Command("solve", "Solve puzzles with a model and print each answer as a grid (givens in [brackets] for Sudoku) and whether it is valid. " +
            "Puzzles whose givens contradict each other are refused.") { puzzle, model, file, limit });
        command.SetAction(r =>
        {
            var ml = NewContext(r, common);
            var loaded = ModelFile.Load(ml, r.GetValue(model)!);
            SetThreads(r, common);
            return Solve(ml, loaded, r.GetValue(model)!, r.GetValue(puzzle), r.GetValue(file), r.GetValue(limit), io);
        });
        return command;
    }

    private static int Solve(MLContext ml, ModelFile.Loaded loaded, string modelPath, string? positional, string? fileOption, int? limitOption, Io io)
    {
        if (loaded.UsesPuzzleId) throw new CliException($"{modelPath}: 'trm solve' handles Sudoku and maze models; ARC models need the augmented test set: use 'trm eval'.");
        List<string> puzzles;
        if (fileOption is { } file)
        {
            if (positional is not null) throw new UsageException("give either a PUZZLE or --file, not both.");
            if (!File.Exists(file)) throw new CliException($"{file}: file not found.");
            string first = File.ReadLines(file).FirstOrDefault() ?? "";
            if (first.StartsWith("source,", StringComparison.Ordinal)) puzzles = Tasks.Load(loaded.Task, file).Examples.Select(e => e.Puzzle).ToList();
            else if (loaded.Codec is SudokuCodec s) puzzles = SudokuFile.ReadLines(file, s.Size).Select(e => e.Puzzle).ToList();
            else throw new CliException($"{file}, row 1: expected a CSV header 'source,question,answer,rating'.");
        }
        else if (positional is not null) puzzles = new List<string> { positional };
        else throw new UsageException("'trm solve' needs a PUZZLE or --file PATH (see 'trm solve --help').");
        if (limitOption is { } limit) puzzles = puzzles.Take(limit).ToList();
        for (int i = 0; i < puzzles.Count; i++)
        {
            string where = fileOption is not null ? $"{fileOption}, puzzle {i + 1}: " : "puzzle: ";
            try { loaded.Codec.Encode(puzzles[i]); }
            catch (PuzzleFormatException e) { throw new CliException(where + e.Message, e); }
            if (PuzzleChecks.FindContradiction(loaded.Codec, puzzles[i]) is { } contradiction) throw new CliException(where + contradiction);
        }
        int valid = 0;
        for (int i = 0; i < puzzles.Count; i++)
        {
            io.Cancel.ThrowIfCancellationRequested();
            if (puzzles.Count > 1) io.Line($"puzzle {i + 1}/{puzzles.Count}:");
            if (SolveAndPrint(ml, loaded, puzzles[i], io)) valid++;
        }
        if (puzzles.Count > 1) io.Line($"{valid}/{puzzles.Count} answers valid ({Pct((double)valid / puzzles.Count)}).");
        return Ok;
    }

    /// <summary>Solves one puzzle, prints the grid and its validity; returns whether the answer is valid.</summary>
    internal static bool SolveAndPrint(MLContext ml, ModelFile.Loaded loaded, string puzzle, Io io)
    {
        var engine = ml.Model.CreatePredictionEngine<ModelFile.PuzzleInput, ModelFile.PuzzleOutput>(loaded.Model);
        var prediction = engine.Predict(new ModelFile.PuzzleInput { Puzzle = puzzle });
        string answer = prediction.PredictedSolution;
        bool ok;
        string verdict;
        switch (loaded.Codec)
        {
            case SudokuCodec s:
                io.Line(SudokuGrid(puzzle, answer, s.Size));
                string? conflict = SudokuRules.FindConflict(answer, s.Size)?.Replace("the givens conflict: ", "");
                ok = SudokuRules.IsValidSolution(answer, s.Size) && SudokuRules.KeepsGivens(puzzle, answer, s.Size);
                verdict = ok ? "valid: yes (every row, column and box holds each digit once; givens kept)"
                    : "valid: no (" + (!SudokuRules.KeepsGivens(puzzle, answer, s.Size) ? "the answer changes a given" : answer.Contains('.') ? "cells left blank" : conflict) + ")";
                break;
            case MazeCodec m:
                for (int r = 0; r < m.Size; r++) io.Line("  " + answer.Substring(r * m.Size, m.Size));
                var problem = MazeRules.FindSolutionProblem(puzzle, answer, m.Size);
                ok = problem.Problem is null;
                verdict = ok ? "valid: yes (a shortest path from S to G)" : $"valid: no ({problem.Problem})";
                break;
            default:
                io.Line(answer);
                ok = false;
                verdict = "valid: unknown";
                break;
        }
        io.Line($"{verdict}; confidence {prediction.Confidence:F3}, {prediction.Steps} supervision steps");
        return ok;
    }

    /// <summary>A Sudoku grid with box lines; givens (from the puzzle) in [brackets], the model's digits plain.</summary>
    internal static string SudokuGrid(string puzzle, string answer, int size)
    {
        int box = size == 4 ? 2 : 3;
        var sb = new StringBuilder();
        string rule = "  +" + string.Join("+", Enumerable.Repeat(new string('-', box * 3), size / box)) + "+";
        for (int r = 0; r < size; r++)
        {
            if (r % box == 0) sb.AppendLine(rule);
            sb.Append("  |");
            for (int c = 0; c < size; c++)
            {
                int i = r * size + c;
                bool given = SudokuRules.Digit(puzzle[i], size) > 0;
                char digit = given ? puzzle[i] : answer.Length > i ? answer[i] : '?';
                sb.Append(given ? $"[{digit}]" : $" {digit} ");
                if (c % box == box - 1) sb.Append('|');
            }
            sb.AppendLine();
        }
        sb.Append(rule);
        return sb.ToString();
    }
}
