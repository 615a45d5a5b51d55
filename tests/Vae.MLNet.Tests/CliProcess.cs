using System.Diagnostics;
using System.Text.Json;

namespace Vae.MLNet.Tests;

/// <summary>vae-mlnet in a child process: for what needs a process of its own (killing it, measuring its memory).</summary>
internal static class CliProcess
{
    private static readonly string Cli = typeof(Vae.MLNet.Cli.CliException).Assembly.Location;

    public static Process Start(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "exec", Cli }.Concat(args))
            start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;
        return Process.Start(start)!;
    }

    /// <summary>Runs to the end, asserts success, and parses the JSON object on the last output line.</summary>
    public static JsonElement RunForJson(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        using var process = Start(args, environment);
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, error.Result);
        using var json = JsonDocument.Parse(output.TrimEnd().Split('\n')[^1]);
        return json.RootElement.Clone();
    }
}
