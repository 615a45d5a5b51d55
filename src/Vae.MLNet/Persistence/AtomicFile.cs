namespace Vae.MLNet;

/// <summary>
/// Writes a file whole or not at all: to a temporary file beside it, flushed to disk, then renamed over it. A full
/// disk, a failing writer or a killed process leaves the previous file as it was, never a truncated one.
/// </summary>
internal static class AtomicFile
{
    /// <summary>
    /// A new name for the temporary file that <see cref="Write"/> fills before renaming it to <paramref name="path"/>:
    /// <c>NAME.&lt;32 hex digits&gt;.tmp</c>. Never <c>NAME.tmp</c>, which may be the user's own file (the very
    /// input a command streams into NAME), nor the name another writer of NAME is filling.
    /// </summary>
    public static string TemporaryPath(string path) => $"{path}.{Guid.NewGuid():N}.tmp";

    /// <summary>
    /// True when <paramref name="path"/> is a file its owner protected from writing (its owner's write permission
    /// removed; Windows's read-only attribute) or one this process may not open for writing. The rename that writes a
    /// file whole needs only the folder's permission, so it would replace such a file, and for root, whom permission
    /// bits do not stop, only the owner's bit says the file is protected (not the "others" bits, which decide for root
    /// as for anyone who is neither owner nor in the group, and are unset on most files).
    /// </summary>
    public static bool IsReadOnly(string path)
    {
        // Not a device, pipe or socket: opening a pipe to write waits for a reader.
        if (!File.Exists(path) || SpecialFile.Describe(path) != null)
            return false;
        if (OperatingSystem.IsWindows() ? File.GetAttributes(path).HasFlag(FileAttributes.ReadOnly)
            : !File.GetUnixFileMode(path).HasFlag(UnixFileMode.UserWrite))
            return true;
        try
        {
            // Opened without truncating or writing: the file is left as it was.
            using var file = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return true;
        }
        catch (IOException)
        {
            // Busy or locked, not protected: the write itself says what is wrong, if anything.
            return false;
        }
    }

    /// <summary>Calls <paramref name="write"/> on a new temporary file, then renames that file to <paramref name="path"/>.</summary>
    /// <remarks>On failure the temporary file is removed and the exception passes on; <paramref name="path"/> is untouched.</remarks>
    /// <exception cref="IOException"><paramref name="path"/> is a device, a pipe or a socket (<see cref="SpecialFile"/>), which the rename would replace.</exception>
    /// <exception cref="UnauthorizedAccessException"><paramref name="path"/> is a read-only file (<see cref="IsReadOnly"/>).</exception>
    public static void Write(string path, Action<Stream> write)
    {
        if (SpecialFile.Describe(path) is string kind)
            throw new IOException($"'{path}' is {kind}, not a file: a file written whole is renamed into place, which would replace it; give the path of a file.");
        if (IsReadOnly(path))
            throw new UnauthorizedAccessException($"'{path}' is read-only: a file written whole is renamed into place, which would replace it; make it writable or give another path.");
        // In the target's folder, hence on its file system: the rename replaces the file in one step.
        string temporary = TemporaryPath(path);
        // CreateNew: a file already there is someone else's, to be neither truncated nor, on failure, deleted.
        var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write);
        try
        {
            using (file)
            {
                write(file);
                file.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
