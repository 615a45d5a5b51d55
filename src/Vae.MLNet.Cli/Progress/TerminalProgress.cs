using Spectre.Console;

namespace Vae.MLNet.Cli;

/// <summary>Spectre.Console's live progress display: a bar (or a spinner when the total is unknown) and the elapsed time per phase.</summary>
internal sealed class TerminalProgress(ProgressContext context) : CliProgress
{
    // Often enough to look live, rarely enough that reporting every row costs nothing.
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    public static T Start<T>(Func<CliProgress, T> work) =>
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .Start(context => work(new TerminalProgress(context)));

    public override ProgressPhase Begin(string name, string unit, long? total = null)
    {
        var task = context.AddTask(Markup.Escape(name), maxValue: total ?? 1);
        task.IsIndeterminate = total is null;
        return new Phase(task, name, unit, total);
    }

    private sealed class Phase(ProgressTask task, string name, string unit, long? total) : ProgressPhase(name, unit, total, Interval)
    {
        protected override void Show()
        {
            if (Total is long all)
            {
                task.IsIndeterminate = false;
                task.MaxValue = Math.Max(all, 1);
                task.Value = Done;
            }
            task.Description = Markup.Escape($"{Name}: {State}");
        }

        protected override void Finish(bool completed)
        {
            Show();
            if (completed)
            {
                task.IsIndeterminate = false;
                task.Value = task.MaxValue;
            }
            task.StopTask();
        }
    }
}
