namespace Vae.MLNet.Cli;

/// <summary>The datasets compiled into the tool, so that the demo runs anywhere.</summary>
internal static class EmbeddedData
{
    /// <summary>
    /// Writes the embedded file <paramref name="name"/> into <paramref name="folder"/>, whole or not at all, and returns
    /// its path. A file of that name already there is left as it is when it holds the same bytes (a second run into the
    /// same folder) and refused otherwise: the folder may be the user's, and the file their own.
    /// </summary>
    public static string Extract(string name, string folder, string option)
    {
        using var resource = typeof(EmbeddedData).Assembly.GetManifestResourceStream($"Vae.MLNet.Cli.Data.{name}")
            ?? throw new InvalidOperationException($"The embedded dataset '{name}' is missing from this build.");
        var bytes = new byte[resource.Length];
        resource.ReadExactly(bytes);
        string path = Path.Combine(folder, name);
        if (File.Exists(path))
        {
            if (new FileInfo(path).Length == bytes.Length && File.ReadAllBytes(path).AsSpan().SequenceEqual(bytes))
                return path;
            throw new CliException($"{option} {folder}: holds a file {name} that is not the tool's copy of it, which it would replace; " +
                "give another folder, or move the file.");
        }
        OutputLocation.Write(path, file => file.Write(bytes));
        return path;
    }
}
