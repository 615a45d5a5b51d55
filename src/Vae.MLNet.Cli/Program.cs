using System.Runtime.InteropServices;
using Spectre.Console.Cli;
using Vae.MLNet.Cli;

// The exit code of a cancelled command: 128 + the signal that cancelled it, SIGINT (Ctrl+C) or SIGTERM.
int cancelledExitCode = 130;
var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("vae-mlnet");
    // --version prints the package version and the commit it was built from.
    config.UseAssemblyInformationalVersion();
    config.AddCommand<DemoCommand>("demo").WithDescription("Train the VAE anomaly detector on an embedded dataset and compare it with RandomizedPca.");
    config.AddCommand<GenerateCommand>("generate").WithDescription("Generate rows from the VAE of a saved pipeline, to CSV.");
    config.AddCommand<ExplainCommand>("explain").WithDescription("Name the features behind each row a saved detector flags.");
    config.AddCommand<DigitsCommand>("digits").WithDescription("A Bernoulli VAE on 8x8 digits: held-out ELBO and IWAE, generated images as PNG.");
    config.AddCommand<ScoreCommand>("score").WithDescription("Stream a CSV of any size through a saved pipeline: key columns, score, label, p-value; the last line is JSON.");
    config.AddCommand<EvaluateCommand>("evaluate").WithDescription("Train on one CSV, score a labelled CSV; the last line is JSON.");
    // One line per error, no stack trace: the message says what to fix.
    config.SetExceptionHandler((exception, _) =>
    {
        if (exception is OperationCanceledException)
        {
            Console.Error.WriteLine("error: cancelled; with --checkpoint, --resume continues from the last checkpoint.");
            return cancelledExitCode;
        }
        Console.Error.WriteLine(exception is CliException or CommandAppException
            ? $"error: {OptionValueError.Rewrite(exception.Message, args)}"
            : $"error: {exception.GetType().Name}: {exception.Message}");
        return 2;
    });
});
// The first Ctrl+C stops training between two mini-batches (the last checkpoint stays); a second one kills the process.
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, press) =>
{
    press.Cancel = !cancellation.IsCancellationRequested;
    cancellation.Cancel();
};
// kill, timeout and a container's stop send SIGTERM, which ended the process at once: a file being written stayed
// behind as NAME.<random>.tmp, as large as the rows written so far. It now cancels as Ctrl+C does, so the command
// removes its temporary file and ends; one that does not stop within the grace time (explain, which writes nothing,
// does not look) ends as SIGTERM ends it.
// Not disposed: the handler may still be waking from it as the process ends.
var finished = new ManualResetEventSlim();
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal =>
{
    cancelledExitCode = 143;
    cancellation.Cancel();
    signal.Cancel = finished.Wait(TimeSpan.FromSeconds(5));
});
int exitCode = app.Run(args, cancellation.Token);
finished.Set();
return exitCode;
