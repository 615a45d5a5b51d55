namespace Vae.MLNet.Cli;

/// <summary>
/// The spellings of a Boolean cell that ML.NET's TextLoader reads as <c>DataKind.Boolean</c>, in any letter case:
/// true, t, yes, y, 1, +1 and false, f, no, n, 0, -1. TextLoader reads an empty cell as false and stops at any other
/// text with a message that names no file, so a <c>--boolean</c> column is checked against these first, and a bad
/// cell named by file, row and column.
/// </summary>
internal static class BooleanCell
{
    /// <summary>Every spelling TextLoader accepts (its <c>Conversions.TryParse</c> to bool), each pair true then false.</summary>
    public static readonly string[] Spellings = ["true", "false", "t", "f", "yes", "no", "y", "n", "1", "0", "+1", "-1"];

    /// <summary>The spellings, for messages and help.</summary>
    public const string Described = "true/false, t/f, yes/no, y/n, 1/0 or +1/-1, in any letter case";

    /// <summary>
    /// The value TextLoader reads from <paramref name="cell"/>, one of <see cref="Spellings"/> (checked with
    /// <see cref="IsBoolean"/>): true for the first of each pair.
    /// </summary>
    public static bool Value(ReadOnlySpan<char> cell)
    {
        for (int i = 0; i < Spellings.Length; i++)
            if (cell.Equals(Spellings[i], StringComparison.OrdinalIgnoreCase))
                return i % 2 == 0;
        throw new ArgumentException($"'{cell}' is not a Boolean ({Described}).", nameof(cell));
    }

    /// <summary>Whether <paramref name="cell"/> (as TextLoader hands it over, leading blanks removed) is a Boolean TextLoader reads.</summary>
    public static bool IsBoolean(ReadOnlySpan<char> cell)
    {
        foreach (var spelling in Spellings)
            if (cell.Equals(spelling, StringComparison.OrdinalIgnoreCase))
                return true;
        return false;
    }
}
