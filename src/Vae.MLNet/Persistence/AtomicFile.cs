namespace Vae.MLNet;

/// <summary>
/// Writes a file whole or not at all: to a temporary file beside it, flushed to disk, then renamed over it. A full
/// disk, a failing writer or a killed process leaves the previous file as it was, never a truncated one.
/// </summary>
internal static class AtomicFile
{
    /// <summary>The temporary file that <see cref="Write"/> fills before renaming it to <paramref name="path"/>.</summary>
    public static string TemporaryPath(string path) => path + ".tmp";

    /// <summary>Calls <paramref name="write"/> on a new temporary file, then renames that file to <paramref name="path"/>.</summary>
    /// <remarks>On failure the temporary file is removed and the exception passes on; <paramref name="path"/> is untouched.</remarks>
    public static void Write(string path, Action<Stream> write)
    {
        // In the target's folder, hence on its file system: the rename replaces the file in one step.
        string temporary = TemporaryPath(path);
        try
        {
            using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write))
            {
                write(file);
                file.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            // File.Exists is false for a folder of that name, which was never ours to delete.
            if (File.Exists(temporary))
                File.Delete(temporary);
            throw;
        }
    }
}
