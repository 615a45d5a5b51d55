namespace Vae.MLNet.Cli;

/// <summary>The datasets compiled into the tool, so that the demo runs anywhere.</summary>
internal static class EmbeddedData
{
    /// <summary>Writes the embedded file <paramref name="name"/> into <paramref name="folder"/> and returns its path.</summary>
    public static string Extract(string name, string folder)
    {
        using var resource = typeof(EmbeddedData).Assembly.GetManifestResourceStream($"Vae.MLNet.Cli.Data.{name}")
            ?? throw new InvalidOperationException($"The embedded dataset '{name}' is missing from this build.");
        string path = Path.Combine(folder, name);
        using var file = File.Create(path);
        resource.CopyTo(file);
        return path;
    }
}
