namespace Vae.MLNet;

/// <summary>
/// One <see cref="VaeOnnxScorer"/> shared by every caller of an immutable model's graph, created on first use by
/// whichever thread comes first. <see cref="Dispose"/> may come from any thread at any time: it never disturbs a run
/// in progress (the scorer counts its users and frees the session after the last), and a later run creates a new one.
/// </summary>
internal sealed class SharedScorer(Func<VaeOnnxScorer> create) : IDisposable
{
    // The only shared mutable state: the scorer, created on first use and released by Dispose, hence the lock. Runs
    // need none: ONNX Runtime's Run is safe for concurrent calls, and each caller owns its batch.
    private readonly object _lock = new();
    private VaeOnnxScorer? _scorer;

    /// <summary>The scorer now: for sizing batches; runs go through <see cref="Run"/>.</summary>
    public VaeOnnxScorer Current
    {
        get
        {
            lock (_lock)
                return _scorer ??= create();
        }
    }

    /// <summary>Scores the first <paramref name="rows"/> rows of <paramref name="batch"/>.</summary>
    public void Run(VaeScoreBatch batch, int rows)
    {
        // A scorer disposed by another thread after it was read here refuses the run: score with its successor.
        while (!Current.TryRun(batch, rows))
        {
        }
    }

    /// <summary>Releases the session now, or when the last run in progress returns; the next run creates another.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _scorer?.Dispose();
            _scorer = null;
        }
    }
}
