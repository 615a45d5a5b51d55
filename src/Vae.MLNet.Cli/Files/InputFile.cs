namespace Vae.MLNet.Cli;

/// <summary>Checks that an input file can be opened before anything reads it, so that the error says why it cannot.</summary>
internal static class InputFile
{
    /// <summary>Fails with a message naming <paramref name="path"/> unless it is a file this process may read.</summary>
    public static void CheckReadable(string path)
    {
        if (Directory.Exists(path))
            throw new CliException($"{path}: is a folder, not a file.");
        if (!File.Exists(path))
            throw new CliException($"{path}: file not found.");
        // An input is read more than once (a CSV's rows are checked before any is used; a zip is read by seeking): a
        // pipe would be empty the second time, and said so as "the file is empty". Refused before it is opened, which
        // would wait for a writer on a named pipe.
        if (SpecialFile.Describe(path) is string kind)
            throw new CliException($"{path}: is {kind}, not a file; the tool reads its inputs more than once. Save it to a file first.");
        try
        {
            using var file = File.OpenRead(path);
        }
        catch (UnauthorizedAccessException)
        {
            throw new CliException($"{path}: permission denied (the file cannot be read).");
        }
        catch (IOException error)
        {
            throw new CliException($"{path}: cannot be read ({error.Message}).");
        }
    }
}
