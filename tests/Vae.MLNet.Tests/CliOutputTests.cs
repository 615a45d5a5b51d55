using System.Diagnostics;
using System.Globalization;

namespace Vae.MLNet.Tests;

/// <summary>
/// Where vae-mlnet writes: output locations checked before training, files replaced only by complete new ones, and
/// generated rows streamed to disk. Child processes, so that a file size limit and the memory can be set and measured.
/// </summary>
[Trait("Category", "Slow")]
public class CliOutputTests
{
    private static readonly string Train = TestData.SplitPath("breastw", 0, "train"), Test = TestData.SplitPath("breastw", 0, "test");

    [Fact]
    public void ASaveThatFailsMidWriteLeavesTheExistingModelAsItWasAndTheResultsPrinted()
    {
        string folder = Directory.CreateTempSubdirectory("vae-cli-save-").FullName;
        string model = Path.Combine(folder, "model.zip");
        var good = new byte[100_000];
        new Random(0).NextBytes(good);
        File.WriteAllBytes(model, good);
        try
        {
            // A full disk, simulated: files of this process may not grow past 16 KiB (a saved model is ~60 KB); with
            // SIGXFSZ ignored, a write past the limit fails with EFBIG. (CoreCLR's W^X double mapping needs large files.)
            var (code, output, error) = CliProcess.Run(["evaluate", "--train", Train, "--test", Test, "--epochs", "2", "--save-model", model],
                new Dictionary<string, string> { ["DOTNET_EnableWriteXorExecute"] = "0" }, limits: "trap '' XFSZ; ulimit -f 16");

            Assert.Equal(2, code);
            Assert.Equal(good, File.ReadAllBytes(model));
            Assert.Equal(["model.zip"], Directory.GetFiles(folder).Select(Path.GetFileName));
            var last = error.Trim().Split('\n')[^1];
            Assert.StartsWith($"error: {model}: not written (", last);
            Assert.EndsWith("the file there is unchanged.", last);
            // The figures were printed before the save was tried.
            Assert.InRange(CliProcess.LastJsonLine(output).GetProperty("auc").GetDouble(), 0.5, 1.0);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>An output that cannot be written, given to each command that writes, and what the error must say.</summary>
    public static TheoryData<string, string> UnwritableOutputs() => new()
    {
        { "evaluate --save-model {missing}/model.zip", "--save-model {missing}/model.zip: the folder {missing} does not exist." },
        { "evaluate --save-model {folder}", "--save-model {folder}: is a folder; give a file name." },
        { "generate --model {folder}/model.zip --output {missing}/rows.csv", "--output {missing}/rows.csv: the folder {missing} does not exist." },
        { "generate --model {folder}/model.zip --output {folder}", "--output {folder}: is a folder; give a file name." },
        { "demo --epochs 2 --output {file}/out", "--output {file}/out: cannot create the folder" },
        { "digits --epochs 2 --output {file}/out", "--output {file}/out: cannot create the folder" },
    };

    [Theory]
    [MemberData(nameof(UnwritableOutputs))]
    public void AnOutputThatCannotBeWrittenFailsBeforeTrainingNamingThePath(string command, string expected)
    {
        string folder = Directory.CreateTempSubdirectory("vae-cli-output-").FullName;
        string file = Path.Combine(folder, "a-file"), missing = Path.Combine(folder, "missing");
        File.WriteAllText(file, "");
        string checkpoint = Path.Combine(folder, "checkpoint.bin");
        string Fill(string text) => text.Replace("{folder}", folder).Replace("{file}", file).Replace("{missing}", missing);
        try
        {
            var args = Fill(command).Split(' ').ToList();
            if (args[0] == "evaluate")
                // A checkpoint is written at the end of training: its absence shows that training never ran.
                args.AddRange(["--train", Train, "--test", Test, "--epochs", "2", "--checkpoint", checkpoint]);
            var (code, _, error) = CliProcess.Run(args);

            Assert.Equal(2, code);
            Assert.StartsWith($"error: {Fill(expected)}", Assert.Single(error.Trim().Split('\n')));
            Assert.False(File.Exists(checkpoint));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void GenerateStreamsAHugeCountToDiskInBoundedMemory()
    {
        string folder = Directory.CreateTempSubdirectory("vae-cli-generate-").FullName;
        string model = Path.Combine(folder, "model.zip");
        try
        {
            CliProcess.RunForJson(["evaluate", "--train", Train, "--test", Test, "--epochs", "2", "--save-model", model]);

            // Two billion rows would take hundreds of gigabytes of disk: watch until 64 MB are written (streaming) or
            // the process holds 1 GB (the rows gathered in memory first), then stop it.
            using var process = CliProcess.Start(["generate", "--model", model, "--count", "2000000000", "--output", Path.Combine(folder, "rows.csv")]);
            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            long written = 0, peakKb = 0;
            var deadline = DateTime.UtcNow.AddMinutes(5);
            while (!process.HasExited && written < (64L << 20) && peakKb < (1L << 20) && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(100);
                try
                {
                    written = long.Parse(File.ReadLines($"/proc/{process.Id}/io").First(l => l.StartsWith("wchar:"))["wchar:".Length..]);
                    peakKb = long.Parse(File.ReadLines($"/proc/{process.Id}/status").First(l => l.StartsWith("VmHWM:"))["VmHWM:".Length..^2]);
                }
                catch (Exception error) when (error is IOException or InvalidOperationException)
                {
                    // The process ended between two reads.
                }
            }
            bool exited = process.HasExited;
            if (!exited)
                process.Kill();
            process.WaitForExit();

            Assert.False(exited, $"generate ended with exit code {process.ExitCode}");
            Assert.True(written >= 64L << 20, $"{written >> 20} MB written while the process grew to {peakKb >> 10} MB");
            Assert.True(peakKb < 400 << 10, $"peak resident memory {peakKb >> 10} MB");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task SigtermStopsAWriteLikeCtrlCLeavingThePreviousFileAndNoTemporaryOne()
    {
        string folder = Directory.CreateTempSubdirectory("vae-cli-sigterm-").FullName;
        string model = Path.Combine(folder, "model.zip"), rows = Path.Combine(folder, "rows.csv");
        try
        {
            CliProcess.RunForJson(["evaluate", "--train", Train, "--test", Test, "--epochs", "2", "--save-model", model]);
            File.WriteAllText(rows, "previous rows");

            // kill, timeout and a container's stop send SIGTERM; before, it ended the process at once and left
            // rows.csv.<random>.tmp with the rows written so far. Sent once the temporary file holds rows.
            using var process = CliProcess.Start(["generate", "--model", model, "--count", "2000000000", "--output", rows]);
            _ = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (!process.HasExited && DateTime.UtcNow < deadline && !Directory.GetFiles(folder, "rows.csv.*.tmp").Any(file => new FileInfo(file).Length > 0))
                Thread.Sleep(50);
            if (process.HasExited)
                Assert.Fail($"generate ended with exit code {process.ExitCode} before it was signalled");
            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
                kill.WaitForExit();
            bool stopped = process.WaitForExit(TimeSpan.FromMinutes(1));
            if (!stopped)
                process.Kill();
            process.WaitForExit();

            Assert.True(stopped, "generate did not stop on SIGTERM");
            Assert.Equal(143, process.ExitCode);
            Assert.Equal("error: cancelled; with --checkpoint, --resume continues from the last checkpoint.", (await error).Trim().Split('\n')[^1]);
            Assert.Equal("previous rows", File.ReadAllText(rows));
            Assert.Equal(["model.zip", "rows.csv"], Directory.GetFiles(folder).Select(Path.GetFileName).Order());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void TheDemoScoreFileNumbersRowsAsExplainDoes()
    {
        string folder = Directory.CreateTempSubdirectory("vae-cli-demo-").FullName;
        try
        {
            Assert.Equal(0, CliProcess.Run(["demo", "--epochs", "2", "--output", folder]).ExitCode);
            var explained = CliProcess.RunForJson(["explain", "--model", Path.Combine(folder, "model.zip"), "--data", Path.Combine(folder, "cardio-test.csv")]);

            // row → score, as the demo wrote them.
            var scores = File.ReadLines(Path.Combine(folder, "vae-scores.csv")).Skip(1).Select(line => line.Split(','))
                .ToDictionary(cells => int.Parse(cells[0], CultureInfo.InvariantCulture), cells => float.Parse(cells[2], CultureInfo.InvariantCulture));
            var flagged = explained.GetProperty("rows").EnumerateArray().ToArray();
            Assert.NotEmpty(flagged);
            // The row explain names is the one of that number in the demo's file (it was the next one: rows from 0 there, from 1 in explain).
            Assert.All(flagged, row => Assert.Equal(scores[row.GetProperty("row").GetInt32()], row.GetProperty("score").GetSingle()));
            Assert.Equal(1, scores.Keys.Min());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void TheDemoReusesItsOwnCopyOfItsDataAndRefusesToReplaceAUsersFileOfThatName()
    {
        string folder = Directory.CreateTempSubdirectory("vae-cli-demo-").FullName;
        try
        {
            string[] demo = ["demo", "--epochs", "2", "--output", folder];
            Assert.Equal(0, CliProcess.Run(demo).ExitCode);
            // A second run into the same folder finds the tool's own copies there.
            Assert.Equal(0, CliProcess.Run(demo).ExitCode);
            var flags = File.ReadLines(Path.Combine(folder, "vae-scores.csv")).Skip(1).Select(line => line.Split(',')[^1]).Distinct().Order();
            Assert.Equal(["0", "1"], flags);

            string mine = Path.Combine(folder, "cardio-test.csv");
            File.WriteAllText(mine, "my,own\n1,2\n");
            var (code, _, error) = CliProcess.Run(demo);
            Assert.Equal(2, code);
            Assert.Contains($"--output {folder}: holds a file cardio-test.csv that is not the tool's copy of it", error);
            Assert.Equal("my,own\n1,2\n", File.ReadAllText(mine));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
