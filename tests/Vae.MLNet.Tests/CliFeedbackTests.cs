using System.Globalization;
using System.Runtime.Versioning;

namespace Vae.MLNet.Tests;

/// <summary>
/// What vae-mlnet says, and when: input problems named before any training, and progress of the long phases on
/// standard error while standard output keeps only the results. Child processes, as a user runs the tool.
/// </summary>
[Trait("Category", "Slow")]
public class CliFeedbackTests
{
    private static readonly string Train = TestData.SplitPath("breastw", 0, "train"), Test = TestData.SplitPath("breastw", 0, "test");

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void ATestFileWithOneClassIsRefusedBeforeTrainingNamingTheFileAndTheLabel(int onlyLabel)
    {
        string folder = Directory.CreateTempSubdirectory("vae-cli-labels-").FullName;
        string test = Path.Combine(folder, "one-class.csv"), checkpoint = Path.Combine(folder, "checkpoint.bin");
        var lines = File.ReadAllLines(Test);
        File.WriteAllLines(test, lines.Take(1).Concat(lines.Skip(1).Where(l => l.EndsWith($",{onlyLabel}", StringComparison.Ordinal))));
        try
        {
            var (code, _, error) = CliProcess.Run(["evaluate", "--train", Train, "--test", test, "--epochs", "2", "--checkpoint", checkpoint]);

            Assert.Equal(2, code);
            Assert.StartsWith($"error: {test}: label column 'Label' is {onlyLabel} ", error.Trim().Split('\n')[^1]);
            Assert.Contains("needs both normal (0) and anomalous (1) rows", error);
            // A checkpoint is written at the end of training: its absence shows that training never ran.
            Assert.False(File.Exists(checkpoint));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    [SupportedOSPlatform("linux")]
    public void AnUnreadableFileIsReportedAsPermissionDenied()
    {
        string path = Path.Combine(Path.GetTempPath(), $"vae-cli-{Guid.NewGuid():N}.csv");
        File.Copy(Train, path);
        File.SetUnixFileMode(path, UnixFileMode.None);
        try
        {
            // Permission bits do not stop root; a write-only kernel setting does.
            string unreadable = CanOpen(path) ? "/proc/sys/vm/drop_caches" : path;
            Assert.False(CanOpen(unreadable), $"no unreadable file to test with: {unreadable} opens");

            var (code, _, error) = CliProcess.Run(["evaluate", "--train", unreadable, "--test", Test, "--epochs", "2"]);

            Assert.Equal(2, code);
            Assert.Equal($"error: {unreadable}: permission denied (the file cannot be read).", error.Trim().Split('\n')[^1]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static bool CanOpen(string path)
    {
        try
        {
            using var file = File.OpenRead(path);
            return true;
        }
        catch (Exception error) when (error is UnauthorizedAccessException or IOException)
        {
            return false;
        }
    }

    /// <summary>--top below 1 is refused before anything is read; it named no feature of any flagged row before.</summary>
    [Theory]
    [InlineData("0")]
    [InlineData("-3")]
    public void ExplainRefusesATopBelowOne(string top)
    {
        var (code, _, error) = CliProcess.Run(["explain", "--model", "absent.zip", "--data", "absent.csv", "--top", top]);

        Assert.Equal(2, code);
        Assert.Contains($"--top {top}: name at least 1 feature.", error);
    }

    /// <summary>
    /// A training option out of the trainer's range is refused before any file is read (the files here do not exist):
    /// it used to fail only at training, after the files were parsed, as "error: ArgumentOutOfRangeException: …".
    /// </summary>
    [Theory]
    [InlineData("--contamination", "2", "Contamination must be in [0, 1]")]
    [InlineData("--learning-rate", "-1", "LearningRate must be positive")]
    [InlineData("--training-codes", "0", "TrainingCodeCount must be in [1,")]
    public void EvaluateRefusesATrainingOptionOutOfRangeBeforeReadingAFile(string option, string value, string message)
    {
        var (code, _, error) = CliProcess.Run(["evaluate", "--train", "absent-train.csv", "--test", "absent-test.csv", option, value]);

        Assert.Equal(2, code);
        Assert.Contains($"A training option is out of range: {message}", error);
        Assert.DoesNotContain("absent-train.csv", error);
    }

    /// <summary>
    /// A value the option's type cannot hold is named with its option: Spectre.Console.Cli said only "Failed to convert
    /// 'abc' to Nullable`1." (an outside tester's note).
    /// </summary>
    [Theory]
    [InlineData("--learning-rate", "abc", "--learning-rate: 'abc' is not a value it takes. It takes a number, with '.' for decimals")]
    [InlineData("--epochs", "1.5", "--epochs: '1.5' is not a value it takes. It takes a number")]
    [InlineData("--activation", "Foo", "--activation: 'Foo' is not a value it takes. Valid values are 'Relu', 'Tanh'")]
    public void EvaluateNamesTheOptionWhoseValueItCannotRead(string option, string value, string message)
    {
        var (spaced, _, spacedError) = CliProcess.Run(["evaluate", "--train", "absent-train.csv", "--test", "absent-test.csv", option, value]);
        var (joined, _, joinedError) = CliProcess.Run(["evaluate", "--train", "absent-train.csv", "--test", "absent-test.csv", $"{option}={value}"]);

        Assert.Equal(2, spaced);
        Assert.Contains($"error: {message}", spacedError);
        Assert.Equal(2, joined);
        Assert.Contains($"error: {message}", joinedError);
        Assert.DoesNotContain("Nullable", spacedError + joinedError);
    }

    [Fact]
    public void ExplainRefusesAFileWithOtherColumnsNamingTheModelsMissingOnes()
    {
        string folder = Directory.CreateTempSubdirectory("vae-cli-explain-").FullName;
        string model = Path.Combine(folder, "model.zip"), wide = Path.Combine(folder, "wide.csv");
        var random = new Random(0);
        File.WriteAllLines(wide, Enumerable.Range(0, 51).Select(r => string.Join(",", Enumerable.Range(0, 20)
            .Select(c => r == 0 ? $"c{c}" : random.NextDouble().ToString("R", CultureInfo.InvariantCulture)))));
        try
        {
            CliProcess.RunForJson(["evaluate", "--train", Train, "--test", Test, "--epochs", "2", "--save-model", model]);

            var (code, _, error) = CliProcess.Run(["explain", "--model", model, "--data", wide]);

            Assert.Equal(2, code);
            // Before, the 20 columns reached ML.NET's cursor workers, whose message named neither the file nor the sizes.
            Assert.StartsWith($"error: {wide}: no column 'f0', 'f1', 'f2'", error.Trim().Split('\n')[^1]);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void EvaluateLogsEveryPhaseOnStandardErrorAndEndsStandardOutputWithTheJsonLine()
    {
        var (code, output, error) = CliProcess.Run(["evaluate", "--train", Train, "--test", Test, "--epochs", "3"]);

        Assert.True(code == 0, error);
        Assert.Equal(3, CliProcess.LastJsonLine(output).GetProperty("last_epoch").GetInt32());
        // Each line: "[seconds s] phase: state".
        var log = error.Trim().Split('\n').Select(line => line[(line.IndexOf("] ", StringComparison.Ordinal) + 2)..]).ToArray();
        Assert.Contains("reading train.csv…", log);
        Assert.Contains(log, line => line.StartsWith("reading train.csv: done in ", StringComparison.Ordinal) && line.EndsWith(" (222 rows)", StringComparison.Ordinal));
        Assert.Contains(log, line => line.StartsWith("reading test.csv: done in ", StringComparison.Ordinal) && line.EndsWith(" (342 rows)", StringComparison.Ordinal));
        Assert.Contains(log, line => line.StartsWith("training VAE: epoch 1 of 3, loss ", StringComparison.Ordinal));
        // 221 training rows hold out 22, too few to calibrate on: five cross-fitted calibration models train after the VAE.
        Assert.Contains(log, line => line.StartsWith("training VAE: done in ", StringComparison.Ordinal) && line.Contains("calibration model 5, epoch 3 of 3, loss ", StringComparison.Ordinal));
        Assert.Contains(log, line => line.StartsWith("scoring test.csv: done in ", StringComparison.Ordinal) && line.EndsWith(" (342 rows)", StringComparison.Ordinal));
    }
}
