namespace Vae.MLNet.Cli;

/// <summary>
/// Where a command writes: checked before any work (a missing or read-only folder must not cost a training run), and
/// written whole or not at all (<see cref="AtomicFile"/>), so that a failed write leaves the previous file as it was.
/// </summary>
internal static class OutputLocation
{
    /// <summary>
    /// Fails unless <paramref name="path"/> (given by <paramref name="option"/>) can be written: none of the command's
    /// <paramref name="inputs"/> (<see cref="CheckNotAnInput"/>), not a folder, in a folder that exists and takes new
    /// files, and not a device, a pipe or a socket (<see cref="SpecialFile"/>) or a read-only file
    /// (<see cref="AtomicFile.IsReadOnly"/>).
    /// </summary>
    public static void CheckFile(string path, string option, params (string Option, string? Path)[] inputs)
    {
        CheckNotAnInput(path, option, inputs);
        if (Directory.Exists(path))
            throw new CliException($"{option} {path}: is a folder; give a file name.");
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(folder))
            throw new CliException($"{option} {path}: the folder {folder} does not exist.");
        // The rename that writes the file would replace a device such as /dev/null, or /dev/stdout's link.
        if (SpecialFile.Describe(path) is string kind)
            throw new CliException($"{option} {path}: is {kind}, not a file; the output is written whole to a file of that name, which would replace it. Give a file name.");
        if (AtomicFile.IsReadOnly(path))
            throw new CliException($"{option} {path}: is read-only; the output is written whole to a file of that name, which would replace it. Make it writable or give another name.");
        Probe(folder, $"{option} {path}");
    }

    /// <summary>
    /// Fails if <paramref name="path"/> (given by <paramref name="option"/>) names the same file as one of the command's
    /// <paramref name="inputs"/>, each given by its option (null when not given): a file written whole replaces the one
    /// there, so scores written over the model, a reject file over the rows it rejects or a saved model over the
    /// training file would destroy what the user gave. Paths are compared as the file system resolves them
    /// (<see cref="RealPath"/>): the rename that writes the file follows the symbolic links of its folders.
    /// </summary>
    public static void CheckNotAnInput(string path, string option, params (string Option, string? Path)[] inputs)
    {
        CheckNotBlank(path, option);
        string real = Real(path, option);
        foreach (var (inputOption, input) in inputs)
            if (input != null && Real(input, inputOption) == real)
                throw new CliException($"{option} {path}: is the file of {inputOption}; write it elsewhere.");
    }

    /// <summary>A blank path (<c>--output ""</c>, an unset shell variable) names no file: .NET's own error would not name the option.</summary>
    private static void CheckNotBlank(string path, string option)
    {
        if (BlankPathError(path, option) is string error)
            throw new CliException(error);
    }

    /// <summary>The error for <paramref name="path"/> given to <paramref name="option"/> when it is blank; null otherwise.</summary>
    public static string? BlankPathError(string path, string option) =>
        string.IsNullOrWhiteSpace(path) ? $"{option}: the path is empty; give a file name." : null;

    private static string Real(string path, string option)
    {
        try
        {
            return RealPath.Of(path);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"{option} {path}: cannot follow its symbolic links ({error.Message}).");
        }
    }

    /// <summary>
    /// Creates the folder <paramref name="path"/> if needed; fails unless it takes new files and each of
    /// <paramref name="files"/>, the names the command writes in it, can be written there (<see cref="CheckFile"/>).
    /// </summary>
    public static void PrepareFolder(string path, string option, params string[] files)
    {
        CheckNotBlank(path, option);
        try
        {
            Directory.CreateDirectory(path);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"{option} {path}: cannot create the folder ({error.Message}).");
        }
        Probe(path, $"{option} {path}");
        foreach (string file in files)
            CheckFile(Path.Combine(path, file), option);
    }

    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>, whole or not at all.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        try
        {
            AtomicFile.Write(path, write);
        }
        // A CliException comes from what the writer read (a bad input row), not from the write: its message stands.
        catch (Exception error) when (error is not (OperationCanceledException or CliException))
        {
            // Whatever failed (a full disk, a file size limit, a permission), the target was not touched.
            throw new CliException($"{path}: not written ({error.GetType().Name}: {error.Message}); " +
                (File.Exists(path) ? "the file there is unchanged." : "no file was created."));
        }
    }

    // Creating a file is the one test that answers for permissions, read-only mounts and ACLs alike, and for root,
    // whom permission bits do not stop.
    private static void Probe(string folder, string what)
    {
        string probe = Path.Combine(folder, $".vae-mlnet-{Guid.NewGuid():N}.probe");
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"{what}: cannot write in the folder {folder} ({error.Message}).");
        }
    }
}
