using Spectre.Console;

namespace Vae.MLNet.Cli;

/// <summary>
/// Progress of a command's long phases (reading a file, training, scoring): a live display on an interactive
/// terminal, plain lines on standard error otherwise, so that a log shows the work going on and standard output keeps
/// only the results (the JSON line stays the last one).
/// </summary>
internal abstract class CliProgress
{
    /// <summary>Runs <paramref name="work"/> with the display that suits the console.</summary>
    public static T Run<T>(Func<CliProgress, T> work)
    {
        if (AnsiConsole.Profile.Capabilities.Interactive)
            return TerminalProgress.Start(work);
        using var log = new LogProgress(Console.Error);
        return work(log);
    }

    /// <summary>Starts a phase of <paramref name="total"/> <paramref name="unit"/>, if known.</summary>
    /// <param name="name">What the phase does, e.g. "reading train.csv".</param>
    /// <param name="unit">What it counts, e.g. "rows".</param>
    /// <param name="total">How many it will count, if known.</param>
    public abstract ProgressPhase Begin(string name, string unit, long? total = null);
}
