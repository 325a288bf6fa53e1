namespace Microsoft.ML.Trm;

/// <summary>Saving a model zip so that a failure (a full disk, a crash, a kill) never leaves a half-written file behind.</summary>
public static class TrmModelSaving
{
    /// <summary>
    /// Like <c>mlContext.Model.Save(model, schema, path)</c>, but writes to a temporary file in the same folder, flushes
    /// it to disk, then renames it over <paramref name="path"/>. If anything fails, the previous file at
    /// <paramref name="path"/> (if any) is left untouched and the temporary file is removed.
    /// </summary>
    public static void SaveAtomically(this ModelOperationsCatalog catalog, ITransformer model, DataViewSchema? inputSchema, string path)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"Cannot save the model to '{path}': the folder '{folder}' does not exist.");
        WriteAtomically(full, stream => catalog.Save(model, inputSchema, stream));
    }

    /// <summary>Writes <paramref name="path"/> through a temporary file and a rename (see <see cref="SaveAtomically"/>).</summary>
    public static void WriteAtomically(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var temp = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
    }
}
