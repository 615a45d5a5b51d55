namespace Vae.MLNet.Cli;

/// <summary>Text as one cell of a comma-separated file.</summary>
internal static class CsvCell
{
    /// <summary>
    /// <paramref name="text"/> as a CSV cell: quoted, with its quotes doubled, when it holds a comma, a quote or a line
    /// break, or starts or ends with a space (which a reader trims); else as it is.
    /// </summary>
    public static string Quote(string text) =>
        text.IndexOfAny([',', '"', '\n', '\r']) < 0 && text.Trim().Length == text.Length ? text : $"\"{text.Replace("\"", "\"\"")}\"";
}
