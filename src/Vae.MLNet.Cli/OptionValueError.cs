using System.Text.RegularExpressions;

namespace Vae.MLNet.Cli;

/// <summary>
/// Spectre.Console.Cli's message for an option value it cannot convert names neither the option nor the type it wanted
/// ("Failed to convert 'abc' to Nullable`1."): this finds the option in the command line and says what it takes.
/// </summary>
internal static partial class OptionValueError
{
    [GeneratedRegex(@"^Failed to convert '(?<value>.*)' to [^ .]+\.(?<rest>.*)$", RegexOptions.Singleline)]
    private static partial Regex ConversionFailure();

    /// <summary>The message to show for <paramref name="message"/>: itself unless it is a failed conversion of a value in <paramref name="args"/>.</summary>
    public static string Rewrite(string message, IReadOnlyList<string> args)
    {
        var match = ConversionFailure().Match(message);
        if (!match.Success)
            return message;
        string value = match.Groups["value"].Value;
        string? option = OptionOf(value, args);
        // Spectre lists an enum's names after the sentence ("Valid values are ..."); for numbers it says nothing.
        string rest = match.Groups["rest"].Value.Trim();
        string expected = rest.Length > 0 ? rest.Replace("Valid values are '', ", "Valid values are ") : "It takes a number, with '.' for decimals (a whole number for a count).";
        return $"{option ?? "an option"}: '{value}' is not a value it takes. {expected}";
    }

    /// <summary>The option given <paramref name="value"/>: "--name value" or "--name=value"; null if the line holds neither.</summary>
    private static string? OptionOf(string value, IReadOnlyList<string> args)
    {
        for (int i = 0; i < args.Count; i++)
        {
            if (i > 0 && args[i] == value && args[i - 1].StartsWith('-'))
                return args[i - 1];
            int equals = args[i].IndexOf('=');
            if (args[i].StartsWith('-') && equals > 0 && args[i][(equals + 1)..] == value)
                return args[i][..equals];
        }
        return null;
    }
}
