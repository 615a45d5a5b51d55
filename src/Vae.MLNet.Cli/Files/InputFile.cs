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
