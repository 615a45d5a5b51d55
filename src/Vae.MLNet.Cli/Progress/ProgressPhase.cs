using System.Diagnostics;

namespace Vae.MLNet.Cli;

/// <summary>
/// One phase of a <see cref="CliProgress"/>: reports as often as the work likes, shown at most once per interval (a
/// row-by-row report costs a clock read). <see cref="Complete"/> ends it; disposing it without completing (an error)
/// ends it silently.
/// </summary>
internal abstract class ProgressPhase(string name, string unit, long? total, TimeSpan interval) : IDisposable
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _gate = new();
    private TimeSpan? _shown;
    private long _done;
    private string? _detail;
    private bool _reported;
    private bool _finished;

    protected string Name => name;

    protected long Done => _done;

    protected long? Total { get; private set; } = total;

    protected TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>The phase's state in words: "under way" before the first report, then the detail last reported, else the count.</summary>
    protected string State =>
        !_reported ? "under way"
        : _detail ?? (Total is long all ? $"{_done:N0} of {all:N0} {unit}" : $"{_done:N0} {unit}");

    /// <summary>The work done so far; <paramref name="total"/> when it became known; <paramref name="detail"/> to show instead of the count.</summary>
    public void Report(long done, long? total = null, string? detail = null)
    {
        lock (_gate)
        {
            (_done, _detail, _reported) = (done, detail, true);
            Total = total ?? Total;
            if (_shown is TimeSpan last && _clock.Elapsed - last < interval)
                return;
            _shown = _clock.Elapsed;
            Show();
        }
    }

    /// <summary>Shows the state again if nothing was shown for an interval: a sign of life during a long silent step.</summary>
    public void ShowIfQuiet()
    {
        lock (_gate)
        {
            if (_finished || _clock.Elapsed - (_shown ?? TimeSpan.Zero) < interval)
                return;
            _shown = _clock.Elapsed;
            Show();
        }
    }

    /// <summary>The phase is done.</summary>
    public void Complete() => End(completed: true);

    /// <summary>Ends the phase; without <see cref="Complete"/> first, as failed.</summary>
    public void Dispose() => End(completed: false);

    protected abstract void Show();

    /// <summary>Called once per phase, when it completes or fails.</summary>
    protected abstract void Finish(bool completed);

    private void End(bool completed)
    {
        lock (_gate)
        {
            if (_finished)
                return;
            _finished = true;
            Finish(completed);
        }
    }
}
