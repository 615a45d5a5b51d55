namespace Vae.MLNet.Tests;

/// <summary>
/// The CI profile of `vae-mlnet-tools soak` (fit → score → save → load → dispose in a loop), in a child process with a
/// temporary folder of its own so that its memory and files are its alone. The long profile is
/// `vae-mlnet-tools soak --cycles 1000` (docs/reliability.md).
/// </summary>
[Trait("Category", "Slow")]
public class SoakTests
{
    [Fact]
    public void RepeatedCyclesLeaveMemoryFlatAndNoFilesBehind()
    {
        var temporary = Directory.CreateTempSubdirectory("vae-soak-test-");
        try
        {
            var figures = CliProcess.RunForJson(["soak", "--cycles", "80", "--warmup", "40", "--sample-every", "10"],
                new Dictionary<string, string> { ["TMPDIR"] = temporary.FullName }, CliProcess.Tools);

            Assert.InRange(figures.GetProperty("resident_growth_mb").GetDouble(), double.MinValue, 50);
            Assert.InRange(figures.GetProperty("managed_growth_mb").GetDouble(), double.MinValue, 5);
            // A leak per cycle would add 40 descriptors; a thread of the runtime's may hold one or two for a moment.
            Assert.InRange(figures.GetProperty("open_files_at_end").GetInt32(), 0, figures.GetProperty("open_files_after_warmup").GetInt32() + 2);
            // ONNX Runtime keeps one session-id file, .ses, in the temporary folder, the same for every process.
            Assert.All(figures.GetProperty("temporary_files_left").EnumerateArray(), name => Assert.Equal(".ses", name.GetString()));
            Assert.All(temporary.GetFileSystemInfos(), entry => Assert.Equal(".ses", entry.Name));
        }
        finally
        {
            temporary.Delete(recursive: true);
        }
    }
}
