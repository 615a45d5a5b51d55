using System.Diagnostics;
using System.Text.Json;

namespace Vae.MLNet.Tests;

/// <summary>`vae-mlnet evaluate` in a child process that is killed half-way and resumed with --resume.</summary>
public class CliResumeTests
{
    private static readonly string Cli = typeof(Vae.MLNet.Cli.CliException).Assembly.Location;

    private static Process Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "exec", Cli }.Concat(args))
            start.ArgumentList.Add(arg);
        return Process.Start(start)!;
    }

    private static (double Auc, int FirstEpoch, int LastEpoch) Evaluate(params string[] args)
    {
        using var process = Start(args);
        string output = process.StandardOutput.ReadToEnd();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, error);
        using var json = JsonDocument.Parse(output.TrimEnd().Split('\n')[^1]);
        var figures = json.RootElement;
        return (figures.GetProperty("auc").GetDouble(), figures.GetProperty("first_epoch").GetInt32(), figures.GetProperty("last_epoch").GetInt32());
    }

    [Fact]
    public void AKilledEvaluateRunResumesFromItsCheckpointToTheUninterruptedResult()
    {
        string checkpoint = Path.Combine(Path.GetTempPath(), $"vae-cli-checkpoint-{Guid.NewGuid():N}.bin");
        string[] run = ["evaluate", "--train", TestData.SplitPath("thyroid", 0, "train"), "--test", TestData.SplitPath("thyroid", 0, "test"),
            "--seed", "3", "--epochs", "60", "--patience", "60", "--threads", "1"];
        try
        {
            var uninterrupted = Evaluate(run);
            Assert.Equal((1, 60), (uninterrupted.FirstEpoch, uninterrupted.LastEpoch));

            using (var killed = Start([.. run, "--checkpoint", checkpoint, "--checkpoint-every", "2"]))
            {
                // Kill as soon as the first checkpoint lands: the run is a few epochs into sixty.
                var clock = Stopwatch.StartNew();
                while (!File.Exists(checkpoint) && !killed.HasExited && clock.Elapsed < TimeSpan.FromMinutes(2))
                    Thread.Sleep(20);
                Assert.False(killed.HasExited, "the run ended before it could be killed");
                killed.Kill(entireProcessTree: true);
                killed.WaitForExit();
            }

            var resumed = Evaluate([.. run, "--checkpoint", checkpoint, "--checkpoint-every", "2", "--resume"]);
            Assert.Equal(uninterrupted.Auc, resumed.Auc);
            // At most the two epochs between checkpoints were lost, and none of the checkpointed ones was redone.
            Assert.True(resumed.FirstEpoch is >= 3 and <= 59 && resumed.FirstEpoch % 2 == 1, $"resumed at epoch {resumed.FirstEpoch}");
            Assert.Equal(60, resumed.LastEpoch);
        }
        finally
        {
            File.Delete(checkpoint);
            File.Delete(checkpoint + ".tmp");
        }
    }
}
