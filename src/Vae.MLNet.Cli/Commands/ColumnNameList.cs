namespace Vae.MLNet.Cli;

/// <summary>
/// The comma-separated column names an option takes (--id, --categorical, --boolean, --ignore). An empty name is
/// refused rather than dropped: an unset shell variable (--categorical "$CATEGORIES") or a stray comma would otherwise
/// leave a column out of the list without a word, and a categorical column would be read as a real one.
/// </summary>
internal static class ColumnNameList
{
    /// <summary>The names of every value given, trimmed, each once, in the order given.</summary>
    public static string[] Parse(params string?[] values) =>
        values.OfType<string>().SelectMany(list => list.Split(',', StringSplitOptions.TrimEntries)).Distinct().ToArray();

    /// <summary>The error for the first value that names an empty column; null when every name is given.</summary>
    public static string? EmptyNameError(string option, params string?[] values) =>
        values.OfType<string>().FirstOrDefault(list => list.Split(',').Any(name => name.Trim().Length == 0)) is string blank
            ? $"{option} '{blank}' names an empty column: give the input's column names, separated by commas."
            : null;
}
