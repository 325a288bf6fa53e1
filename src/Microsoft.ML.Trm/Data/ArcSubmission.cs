using System.Text.Json;

namespace Microsoft.ML.Trm.Data;

/// <summary>
/// The ARC Prize <c>submission.json</c>: <c>{"&lt;task id&gt;": [{"attempt_1": grid, "attempt_2": grid}, ...]}</c>
/// with one entry per test input, in test order.
/// </summary>
public static class ArcSubmission
{
    /// <summary>Writes a submission file.</summary>
    public static void Write(string path, IReadOnlyDictionary<string, IReadOnlyList<ArcAttempts>> submission)
    {
        ArgumentNullException.ThrowIfNull(submission);
        using var stream = File.Create(path);
        using var w = new Utf8JsonWriter(stream);
        w.WriteStartObject();
        foreach (var (id, attempts) in submission)
        {
            w.WriteStartArray(id);
            foreach (var a in attempts)
            {
                w.WriteStartObject();
                w.WritePropertyName("attempt_1"); ArcFile.WriteGrid(w, a.Attempt1);
                w.WritePropertyName("attempt_2"); ArcFile.WriteGrid(w, a.Attempt2);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    /// <summary>Reads a submission file.</summary>
    public static Dictionary<string, IReadOnlyList<ArcAttempts>> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        JsonDocument doc;
        try { doc = JsonDocument.Parse(File.ReadAllText(path)); }
        catch (JsonException e) { throw new PuzzleFormatException($"{path}, line {(e.LineNumber ?? 0) + 1}: not valid JSON ({e.Message}).", e); }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new PuzzleFormatException($"{path}: expected an object keyed by task id, found {doc.RootElement.ValueKind}.");
            var result = new Dictionary<string, IReadOnlyList<ArcAttempts>>();
            foreach (var task in doc.RootElement.EnumerateObject())
            {
                if (task.Value.ValueKind != JsonValueKind.Array)
                    throw new PuzzleFormatException($"{path}: task {task.Name}: expected an array of attempts, found {task.Value.ValueKind}.");
                var list = new List<ArcAttempts>();
                int k = 0;
                foreach (var entry in task.Value.EnumerateArray())
                {
                    k++;
                    string at = $"{path}: task {task.Name}, test input {k}";
                    if (entry.ValueKind != JsonValueKind.Object || !entry.TryGetProperty("attempt_1", out var a1) || !entry.TryGetProperty("attempt_2", out var a2))
                        throw new PuzzleFormatException($"{at}: expected an object with 'attempt_1' and 'attempt_2'.");
                    list.Add(new ArcAttempts(ArcFile.ReadGrid(a1, at + ", attempt_1"), ArcFile.ReadGrid(a2, at + ", attempt_2")));
                }
                result[task.Name] = list;
            }
            return result;
        }
    }

    /// <summary>
    /// Scores a submission against tasks with known test outputs: a test input is solved when either attempt equals
    /// its output; a task missing from the submission scores 0.
    /// </summary>
    public static ArcSubmissionScore Score(IReadOnlyDictionary<string, IReadOnlyList<ArcAttempts>> submission, IEnumerable<ArcTask> tasks)
    {
        ArgumentNullException.ThrowIfNull(submission);
        ArgumentNullException.ThrowIfNull(tasks);
        var perTask = new Dictionary<string, double>();
        foreach (var task in tasks)
        {
            double solved = 0;
            submission.TryGetValue(task.Id, out var attempts);
            for (int t = 0; t < task.Test.Count; t++)
            {
                var truth = task.Test[t].Output ?? throw new ArgumentException($"Task {task.Id} test pair {t + 1} has no output to score against.", nameof(tasks));
                if (attempts != null && t < attempts.Count && (ArcTask.GridEquals(attempts[t].Attempt1, truth) || ArcTask.GridEquals(attempts[t].Attempt2, truth)))
                    solved++;
            }
            perTask[task.Id] = task.Test.Count == 0 ? 0 : solved / task.Test.Count;
        }
        return new ArcSubmissionScore(perTask.Count == 0 ? 0 : perTask.Values.Average(), perTask);
    }
}
