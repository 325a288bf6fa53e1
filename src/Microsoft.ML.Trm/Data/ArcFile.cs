using System.Text;
using System.Text.Json;

namespace Microsoft.ML.Trm.Data;

/// <summary>
/// Reads and writes ARC tasks: the official task-folder format (one <c>&lt;id&gt;.json</c> per task with
/// <c>{"train":[{"input","output"}...],"test":[{"input","output"?}...]}</c>) and the Kaggle pair
/// <c>*_challenges.json</c> (<c>{"&lt;id&gt;": task}</c>, test outputs absent) / <c>*_solutions.json</c>
/// (<c>{"&lt;id&gt;": [grid per test input]}</c>). Errors name the file, task, pair and row.
/// </summary>
public static class ArcFile
{
    /// <summary>Reads one task file; the id is the file name without extension.</summary>
    public static ArcTask ReadTask(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return ParseTask(File.ReadAllText(path), Path.GetFileNameWithoutExtension(path), path);
    }

    /// <summary>Parses one task from JSON text; <paramref name="fileName"/> is used in error messages.</summary>
    public static ArcTask ParseTask(string json, string taskId, string fileName = "<text>")
    {
        using var doc = Parse(json, fileName);
        return ReadTaskElement(doc.RootElement, taskId, fileName);
    }

    /// <summary>Reads every <c>*.json</c> task of a folder lazily, in ordinal file-name order.</summary>
    public static IEnumerable<ArcTask> ReadFolder(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var files = Directory.GetFiles(directory, "*.json");
        Array.Sort(files, StringComparer.Ordinal);
        foreach (var f in files) yield return ReadTask(f);
    }

    /// <summary>
    /// Reads a Kaggle challenges file and, when given, its solutions file (test outputs). Tasks come in file order.
    /// </summary>
    public static IEnumerable<ArcTask> ReadKaggle(string challengesPath, string? solutionsPath = null)
    {
        ArgumentNullException.ThrowIfNull(challengesPath);
        using var challenges = Parse(File.ReadAllText(challengesPath), challengesPath);
        using var solutions = solutionsPath == null ? null : Parse(File.ReadAllText(solutionsPath), solutionsPath);
        if (challenges.RootElement.ValueKind != JsonValueKind.Object)
            throw new PuzzleFormatException($"{challengesPath}: expected a JSON object of tasks keyed by id, found {challenges.RootElement.ValueKind}.");
        if (solutions != null && solutions.RootElement.ValueKind != JsonValueKind.Object)
            throw new PuzzleFormatException($"{solutionsPath}: expected a JSON object of solutions keyed by task id, found {solutions.RootElement.ValueKind}.");
        foreach (var property in challenges.RootElement.EnumerateObject())
        {
            var task = ReadTaskElement(property.Value, property.Name, challengesPath);
            if (solutions == null) { yield return task; continue; }
            if (!solutions.RootElement.TryGetProperty(property.Name, out var sol))
                throw new PuzzleFormatException($"{solutionsPath}: task {property.Name}: missing from the solutions file.");
            if (sol.ValueKind != JsonValueKind.Array || sol.GetArrayLength() != task.Test.Count)
                throw new PuzzleFormatException($"{solutionsPath}: task {property.Name}: expected an array of {task.Test.Count} output grid(s), found {(sol.ValueKind == JsonValueKind.Array ? $"{sol.GetArrayLength()}" : sol.ValueKind.ToString())}.");
            var test = new ArcPair[task.Test.Count];
            int k = 0;
            foreach (var grid in sol.EnumerateArray())
            {
                test[k] = task.Test[k] with { Output = ReadGrid(grid, $"{solutionsPath}: task {property.Name}, test pair {k + 1}, output") };
                k++;
            }
            yield return task with { Test = test };
        }
    }

    /// <summary>Writes one task file in the official format (outputs that are null are omitted).</summary>
    public static void WriteTask(string path, ArcTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        using var stream = File.Create(path);
        using var w = new Utf8JsonWriter(stream);
        WriteTaskElement(w, task, includeTestOutputs: true);
    }

    /// <summary>Writes every task as <c>&lt;directory&gt;/&lt;id&gt;.json</c>.</summary>
    public static void WriteFolder(string directory, IEnumerable<ArcTask> tasks)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        Directory.CreateDirectory(directory);
        foreach (var t in tasks) WriteTask(Path.Combine(directory, t.Id + ".json"), t);
    }

    /// <summary>Writes a Kaggle challenges file (no test outputs) and, when given, the matching solutions file.</summary>
    public static void WriteKaggle(string challengesPath, string? solutionsPath, IEnumerable<ArcTask> tasks)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        var list = tasks.ToList();
        using (var stream = File.Create(challengesPath))
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            foreach (var t in list) { w.WritePropertyName(t.Id); WriteTaskElement(w, t, includeTestOutputs: false); }
            w.WriteEndObject();
        }
        if (solutionsPath == null) return;
        using var s = File.Create(solutionsPath);
        using var sw = new Utf8JsonWriter(s);
        sw.WriteStartObject();
        foreach (var t in list)
        {
            sw.WriteStartArray(t.Id);
            foreach (var p in t.Test)
                WriteGrid(sw, p.Output ?? throw new ArgumentException($"Task {t.Id} has a test pair without output; cannot write its solution.", nameof(tasks)));
            sw.WriteEndArray();
        }
        sw.WriteEndObject();
    }

    /// <summary>Writes a grid as a JSON array of rows.</summary>
    public static void WriteGrid(Utf8JsonWriter writer, int[][] grid)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(grid);
        writer.WriteStartArray();
        foreach (var row in grid)
        {
            writer.WriteStartArray();
            foreach (int v in row) writer.WriteNumberValue(v);
            writer.WriteEndArray();
        }
        writer.WriteEndArray();
    }

    /// <summary>Reads a JSON grid (array of equal-length arrays of integers 0-9, 1×1 to 30×30); errors start with <paramref name="where"/>.</summary>
    public static int[][] ReadGrid(JsonElement element, string where)
    {
        if (element.ValueKind != JsonValueKind.Array)
            throw new PuzzleFormatException($"{where}: expected a grid (array of rows), found {element.ValueKind}.");
        int h = element.GetArrayLength();
        if (h == 0) throw new PuzzleFormatException($"{where}: expected at least one row, found an empty grid.");
        if (h > ArcCodec.CanvasSize) throw new PuzzleFormatException($"{where}: the grid has {h} rows; at most {ArcCodec.CanvasSize} are allowed.");
        var grid = new int[h][];
        int r = 0;
        foreach (var rowElement in element.EnumerateArray())
        {
            if (rowElement.ValueKind != JsonValueKind.Array)
                throw new PuzzleFormatException($"{where}, row {r + 1}: expected an array of colours, found {rowElement.ValueKind}.");
            int w = rowElement.GetArrayLength();
            if (w == 0) throw new PuzzleFormatException($"{where}, row {r + 1}: expected at least one cell, found an empty row.");
            if (w > ArcCodec.CanvasSize) throw new PuzzleFormatException($"{where}, row {r + 1}: the row has {w} cells; at most {ArcCodec.CanvasSize} are allowed.");
            if (r > 0 && w != grid[0].Length)
                throw new PuzzleFormatException($"{where}, row {r + 1}: ragged grid, expected {grid[0].Length} cells as in row 1, found {w}.");
            var row = grid[r] = new int[w];
            int c = 0;
            foreach (var cell in rowElement.EnumerateArray())
            {
                if (cell.ValueKind != JsonValueKind.Number || !cell.TryGetInt32(out int v) || v < 0 || v > 9)
                    throw new PuzzleFormatException($"{where}, row {r + 1}, column {c + 1}: expected a colour 0-9, found {cell.GetRawText()}.");
                row[c++] = v;
            }
            r++;
        }
        return grid;
    }

    private static JsonDocument Parse(string json, string fileName)
    {
        try { return JsonDocument.Parse(json); }
        catch (JsonException e)
        {
            throw new PuzzleFormatException($"{fileName}, line {(e.LineNumber ?? 0) + 1}, byte {(e.BytePositionInLine ?? 0) + 1}: not valid JSON ({e.Message}).", e);
        }
    }

    private static ArcTask ReadTaskElement(JsonElement root, string taskId, string fileName)
    {
        string at = $"{fileName}: task {taskId}";
        if (root.ValueKind != JsonValueKind.Object)
            throw new PuzzleFormatException($"{at}: expected an object with 'train' and 'test', found {root.ValueKind}.");
        return new ArcTask(taskId, ReadPairs(root, "train", at, true), ReadPairs(root, "test", at, false));
    }

    private static ArcPair[] ReadPairs(JsonElement root, string name, string at, bool outputRequired)
    {
        if (!root.TryGetProperty(name, out var array))
            throw new PuzzleFormatException($"{at}: missing the '{name}' array.");
        if (array.ValueKind != JsonValueKind.Array)
            throw new PuzzleFormatException($"{at}: expected '{name}' to be an array of pairs, found {array.ValueKind}.");
        var pairs = new ArcPair[array.GetArrayLength()];
        int k = 0;
        foreach (var p in array.EnumerateArray())
        {
            string where = $"{at}, {name} pair {k + 1}";
            if (p.ValueKind != JsonValueKind.Object || !p.TryGetProperty("input", out var input))
                throw new PuzzleFormatException($"{where}: expected an object with an 'input' grid.");
            int[][]? output = null;
            if (p.TryGetProperty("output", out var o)) output = ReadGrid(o, where + ", output");
            else if (outputRequired) throw new PuzzleFormatException($"{where}: missing the 'output' grid.");
            pairs[k++] = new ArcPair(ReadGrid(input, where + ", input"), output);
        }
        if (name == "train" && pairs.Length == 0) throw new PuzzleFormatException($"{at}: the 'train' array is empty.");
        return pairs;
    }

    private static void WriteTaskElement(Utf8JsonWriter w, ArcTask task, bool includeTestOutputs)
    {
        w.WriteStartObject();
        foreach (var (name, pairs) in new[] { ("train", task.Train), ("test", task.Test) })
        {
            w.WriteStartArray(name);
            foreach (var p in pairs)
            {
                w.WriteStartObject();
                w.WritePropertyName("input"); WriteGrid(w, p.Input);
                if (p.Output != null && (name == "train" || includeTestOutputs)) { w.WritePropertyName("output"); WriteGrid(w, p.Output); }
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

}
