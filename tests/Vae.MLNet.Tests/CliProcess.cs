using System.Diagnostics;
using System.Text.Json;

namespace Vae.MLNet.Tests;

/// <summary>
/// vae-mlnet (or the developer's vae-mlnet-tools) in a child process: for what needs a process of its own (killing it,
/// measuring its memory, limiting it).
/// </summary>
internal static class CliProcess
{
    /// <summary>The shipped tool, vae-mlnet: the default program.</summary>
    public static readonly string Cli = typeof(Vae.MLNet.Cli.CliException).Assembly.Location;

    /// <summary>The developer's instruments, vae-mlnet-tools (bench, soak).</summary>
    public static readonly string Tools = typeof(Vae.MLNet.Tools.SoakCommand).Assembly.Location;

    /// <param name="limits">Shell commands run before the CLI replaces the shell, e.g. <c>ulimit -f 16</c>; null for none.</param>
    /// <param name="program">The program's assembly: <see cref="Cli"/> (null) or <see cref="Tools"/>.</param>
    public static Process Start(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, string? limits = null, string? program = null)
    {
        var start = limits is null ? new ProcessStartInfo("dotnet") : new ProcessStartInfo("bash");
        if (limits is not null)
            // bash -c SCRIPT dotnet ARGS…: the script sets the limits and execs "$0" "$@", the CLI with its arguments.
            foreach (var arg in new[] { "-c", $"{limits}; exec \"$0\" \"$@\"", "dotnet" })
                start.ArgumentList.Add(arg);
        start.RedirectStandardOutput = start.RedirectStandardError = true;
        foreach (var arg in new[] { "exec", program ?? Cli }.Concat(args))
            start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;
        return Process.Start(start)!;
    }

    /// <summary>Runs to the end; the exit code, standard output and standard error.</summary>
    public static (int ExitCode, string Output, string Error) Run(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null,
        string? limits = null, string? program = null)
    {
        using var process = Start(args, environment, limits, program);
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, error.Result);
    }

    /// <summary>Runs to the end, asserts success, and parses the JSON object on the last output line.</summary>
    public static JsonElement RunForJson(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, string? program = null)
    {
        var (exitCode, output, error) = Run(args, environment, program: program);
        // Spectre.Console.Cli prints a command's unhandled exception to standard output, so the message shows both.
        Assert.True(exitCode == 0, $"exit code {exitCode}\nstandard error:\n{error}\nstandard output, the end:\n{output[^Math.Min(output.Length, 4000)..]}");
        return LastJsonLine(output);
    }

    /// <summary>The JSON object on the last line of <paramref name="output"/>.</summary>
    public static JsonElement LastJsonLine(string output)
    {
        using var json = JsonDocument.Parse(output.TrimEnd().Split('\n')[^1]);
        return json.RootElement.Clone();
    }
}
