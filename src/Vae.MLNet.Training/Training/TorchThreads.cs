using TorchSharp;

namespace Vae.MLNet.Training;

/// <summary>
/// TorchSharp's thread count for the length of a training run, then back to what it was: libtorch keeps one count
/// for the whole process, and a host that trains must not find it changed afterwards. Overlapping runs share it:
/// the first one in sets it, the last one out restores it (results are identical for a given count, so runs that
/// overlap and want identical results ask for the same count).
/// </summary>
internal static class TorchThreads
{
    private static readonly object Lock = new();
    private static int _runs;
    private static int _before;

    /// <summary>Sets <paramref name="threads"/> until the result is disposed; 0 leaves the count as it is.</summary>
    public static IDisposable Use(int threads)
    {
        if (threads > 0)
            lock (Lock)
            {
                if (_runs++ == 0)
                    _before = torch.get_num_threads();
                torch.set_num_threads(threads);
            }
        return new Scope(counted: threads > 0);
    }

    private sealed class Scope(bool counted) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (!counted || Interlocked.Exchange(ref _disposed, 1) == 1)
                return;
            lock (Lock)
                if (--_runs == 0)
                    torch.set_num_threads(_before);
        }
    }
}
