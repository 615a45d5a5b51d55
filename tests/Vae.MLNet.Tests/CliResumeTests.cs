using System.Diagnostics;

namespace Vae.MLNet.Tests;

/// <summary>`vae-mlnet evaluate` in a child process that is killed half-way and resumed with --resume.</summary>
[Trait("Category", "Slow")]
public class CliResumeTests
{
    private static (double Auc, int FirstEpoch, int LastEpoch) Evaluate(params string[] args)
    {
        var figures = CliProcess.RunForJson(args);
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

            using (var killed = CliProcess.Start([.. run, "--checkpoint", checkpoint, "--checkpoint-every", "2"]))
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
            // Resumed after a checkpoint (an even epoch), not from scratch, and ran to the end.
            Assert.True(resumed.FirstEpoch is >= 3 and <= 59 && resumed.FirstEpoch % 2 == 1, $"resumed at epoch {resumed.FirstEpoch}");
            Assert.Equal(60, resumed.LastEpoch);
        }
        finally
        {
            File.Delete(checkpoint);
            // The killed run may leave its temporary file.
            foreach (var temporary in Directory.GetFiles(Path.GetDirectoryName(checkpoint)!, Path.GetFileName(checkpoint) + ".*.tmp"))
                File.Delete(temporary);
        }
    }
}
