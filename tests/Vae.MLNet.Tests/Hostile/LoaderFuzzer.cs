using System.Diagnostics;

namespace Vae.MLNet.Tests.Hostile;

/// <summary>
/// Feeds a loader seeded hostile inputs, one at a time from a file, each on its own thread so that a hang is caught
/// (after <see cref="FuzzProfile.TimeBound"/>) and its allocations are counted alone.
/// </summary>
internal static class LoaderFuzzer
{
    /// <param name="count">Inputs to try.</param>
    /// <param name="seed">The run's seed; input i is mutated with seed + i, so any one can be rebuilt alone.</param>
    /// <param name="mutate">Makes a hostile input.</param>
    /// <param name="load">Loads the file at the path it is given and uses what it loaded; throws when it cannot.</param>
    /// <param name="isDocumented">Whether an exception is one the loader documents.</param>
    public static FuzzTally Run(int count, int seed, Func<Random, Mutation> mutate, Action<string> load, Func<Exception, bool> isDocumented)
    {
        var tally = new FuzzTally();
        string path = Path.Combine(Path.GetTempPath(), $"vae-hostile-{Guid.NewGuid():N}");
        try
        {
            for (int i = 0; i < count; i++)
            {
                var mutation = mutate(new Random(seed + i));
                File.WriteAllBytes(path, mutation.Bytes);
                var (finished, error, milliseconds, allocated) = RunBounded(() => load(path));
                tally.Inputs++;
                tally.MaxMilliseconds = Math.Max(tally.MaxMilliseconds, milliseconds);
                tally.MaxAllocatedBytes = Math.Max(tally.MaxAllocatedBytes, allocated);
                string input = $"input {i} (seed {seed + i}; {mutation.Description})";
                if (!finished)
                {
                    tally.Failures.Add($"{input}: still running after {FuzzProfile.TimeBound.TotalSeconds} s");
                    // The thread cannot be stopped; a hung loader ends the run.
                    return tally;
                }
                string outcome = Label(error);
                tally.Outcomes[outcome] = tally.Outcomes.GetValueOrDefault(outcome) + 1;
                if (allocated > FuzzProfile.AllocationBound)
                    tally.Failures.Add($"{input}: allocated {allocated / (1 << 20)} MiB");
                if (error != null && !isDocumented(error))
                    tally.Failures.Add($"{input}: {outcome}: {error.GetBaseException().Message}");
            }
            return tally;
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>"ok", or the exception's type and, when it wraps another, the type of the root cause.</summary>
    private static string Label(Exception? error) => error switch
    {
        null => "ok",
        ScoringFailure { InnerException: { } cause } => $"scoring: {Label(cause)}",
        _ when error.GetBaseException() is var root && root != error => $"{error.GetType().Name} <- {root.GetType().Name}",
        _ => error.GetType().Name,
    };

    private static (bool Finished, Exception? Error, double Milliseconds, long Allocated) RunBounded(Action action)
    {
        Exception? error = null;
        long allocated = 0;
        var clock = Stopwatch.StartNew();
        var thread = new Thread(() =>
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                action();
            }
            catch (Exception e)
            {
                error = e;
            }
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        }) { IsBackground = true };
        thread.Start();
        bool finished = thread.Join(FuzzProfile.TimeBound);
        return (finished, error, clock.Elapsed.TotalMilliseconds, allocated);
    }
}
