namespace Vae.MLNet.Cli;

/// <summary>
/// Progress as plain lines, for a log or a pipe: a line when a phase starts, at its first report, at most one per
/// interval after that (and the last state again after an interval of silence, e.g. within an epoch: the trainer
/// reports per epoch), and when it ends. Every line starts with the seconds since the command began.
/// </summary>
internal sealed class LogProgress : CliProgress, IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private readonly TextWriter _log;
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    private readonly Timer _heartbeat;
    private Phase? _current;

    public LogProgress(TextWriter log)
    {
        _log = log;
        // Checked every second, so that a silent phase shows a line an interval after the last, not up to two.
        _heartbeat = new Timer(_ => _current?.ShowIfQuiet(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    public override ProgressPhase Begin(string name, string unit, long? total = null)
    {
        Write($"{name}…");
        return _current = new Phase(this, name, unit, total);
    }

    public void Dispose() => _heartbeat.Dispose();

    private void Write(string line)
    {
        lock (_log)
            _log.WriteLine($"[{_clock.Elapsed.TotalSeconds,7:F1} s] {line}");
    }

    private sealed class Phase(LogProgress log, string name, string unit, long? total) : ProgressPhase(name, unit, total, Interval)
    {
        protected override void Show() => log.Write($"{Name}: {State}");

        protected override void Finish(bool completed)
        {
            if (completed)
                log.Write($"{Name}: done in {Elapsed.TotalSeconds:F1} s ({State})");
            Interlocked.CompareExchange(ref log._current, null, this);
        }
    }
}
