using System.Globalization;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using Vae.MLNet.Cli;

namespace Vae.MLNet.Tests;

/// <summary>
/// <c>vae-mlnet score</c> in child processes: the library's scores with the key columns, bad rows stopped or set
/// aside as <c>evaluate</c> names them, the output replaced only by a complete file, and memory that does not grow
/// with the file.
/// </summary>
public class CliScoreTests(CliScoreTests.SavedModel saved) : IClassFixture<CliScoreTests.SavedModel>
{
    /// <summary>One detector trained on breastw by <c>evaluate --save-model</c>, shared by the tests.</summary>
    public sealed class SavedModel : IDisposable
    {
        public SavedModel()
        {
            CliProcess.RunForJson(["evaluate", "--train", TestData.SplitPath("breastw", 0, "train"), "--test", Test, "--epochs", "5", "--save-model", Path]);
        }

        public string Folder { get; } = Directory.CreateTempSubdirectory("vae-cli-score-").FullName;

        public string Path => System.IO.Path.Combine(Folder, "model.zip");

        public void Dispose() => Directory.Delete(Folder, recursive: true);
    }

    private static readonly string Test = TestData.SplitPath("breastw", 0, "test");

    [Fact]
    public void ScoresAreTheLibrarysWithTheKeyColumnsInTheirOrder()
    {
        string folder = Directory.CreateTempSubdirectory("vae-cli-score-").FullName;
        try
        {
            // Key columns first and last, one of them holding a comma, a quote and a space; the features in another order.
            var lines = File.ReadAllLines(Test);
            var header = lines[0].Split(',');
            int[] shuffled = [.. Enumerable.Range(0, header.Length).Reverse()];
            string input = Path.Combine(folder, "input.csv");
            File.WriteAllLines(input, lines.Select((line, i) =>
            {
                var cells = line.Split(',');
                string reordered = string.Join(",", shuffled.Select(c => cells[c]));
                return i == 0 ? $"id,{reordered},name" : $"r{i},{reordered},\"row \"\"{i}\"\", a, b\"";
            }));
            string output = Path.Combine(folder, "scored.csv");

            var summary = CliProcess.RunForJson(["score", "--model", saved.Path, "--input", input, "--output", output, "--id", "name", "--id", "id,Label", "--latent"]);

            Assert.Equal(lines.Length - 1, summary.GetProperty("rows").GetInt64());
            Assert.Equal(0, summary.GetProperty("rejected").GetInt64());
            Assert.True(summary.GetProperty("rows_per_second").GetDouble() > 0);
            var scored = ReadCsv(output);
            Assert.Equal(["name", "id", "Label", "score", "predicted_label", "p_value", .. Enumerable.Range(0, 8).Select(j => $"latent_{j}")], scored[0]);
            Assert.Equal(lines.Length, scored.Length);

            var ml = new MLContext(seed: 0);
            var pipeline = SavedPipeline.Load(ml, saved.Path);
            var data = CsvDataset.Load(ml, Test, CsvDataset.LabelColumn, requireLabel: false, pipeline.InputColumns());
            var model = ml.Model.LoadWithBatchedScoring(saved.Path, out _);
            var detector = (VaeAnomalyDetectionTransformer)pipeline.Vae;
            var expected = model.Transform(data.Data).GetColumn<float>("Score").ToArray();
            for (int i = 1; i < scored.Length; i++)
            {
                var row = scored[i];
                Assert.Equal($"row \"{i}\", a, b", row[0]);
                Assert.Equal($"r{i}", row[1]);
                Assert.Equal(lines[i].Split(',')[^1], row[2]);
                float score = float.Parse(row[3], CultureInfo.InvariantCulture);
                Assert.Equal(expected[i - 1], score);
                Assert.Equal(score > detector.Threshold ? "1" : "0", row[4]);
                Assert.Equal(detector.Calibration!.PValue(score), float.Parse(row[5], CultureInfo.InvariantCulture));
                Assert.All(row[6..], latent => Assert.True(float.IsFinite(float.Parse(latent, CultureInfo.InvariantCulture))));
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// The saved pipeline carries the p-values <c>score</c> writes: ML.NET's own loader gives them, and so does its ONNX
    /// export read by ONNX Runtime (before, the detector of evaluate's model added no PValue column, and the export had
    /// no p_value).
    /// </summary>
    [Fact]
    public void TheSavedPipelineGivesScoresPValuesThroughModelLoadAndItsOnnxExport()
    {
        string folder = Directory.CreateTempSubdirectory("vae-cli-score-").FullName;
        try
        {
            string output = Path.Combine(folder, "scored.csv");
            CliProcess.RunForJson(["score", "--model", saved.Path, "--input", Test, "--output", output]);
            var scored = ReadCsv(output);
            int pValueColumn = Array.IndexOf(scored[0], "p_value");
            var expected = scored.Skip(1).Select(row => float.Parse(row[pValueColumn], CultureInfo.InvariantCulture)).ToArray();

            var ml = new MLContext(seed: 0);
            var pipeline = SavedPipeline.Load(ml, saved.Path);
            var data = CsvDataset.Load(ml, Test, CsvDataset.LabelColumn, requireLabel: false, pipeline.InputColumns()).Data;
            var loaded = ml.Model.Load(saved.Path, out _);
            var stream = new MemoryStream();
            ml.Model.ExportVaePipelineToOnnx(loaded, data.Schema, stream);
            using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(stream.ToArray());
            var inputs = session.InputMetadata.Keys.Select(name => Microsoft.ML.OnnxRuntime.NamedOnnxValue.CreateFromTensor(name,
                new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>(data.GetColumn<float>(name).ToArray(), [expected.Length, 1]))).ToArray();
            using var results = session.Run(inputs);

            // (1 + count) / (n + 1), computed in float by the graph that ML.NET's loader runs and by the exported one.
            foreach (var actual in new[] { loaded.Transform(data).GetColumn<float>(VaeAnomalyDetectionTransformer.PValueColumnName).ToArray(),
                results.Single(r => r.Name == "p_value").AsEnumerable<float>().ToArray() })
            {
                Assert.Equal(expected.Length, actual.Length);
                for (int i = 0; i < expected.Length; i++)
                    Assert.Equal(expected[i], actual[i], 1e-6f);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void ABadRowStopsScoringWithEvaluatesMessageAndLeavesTheOutputAsItWas()
    {
        string folder = Directory.CreateTempSubdirectory("vae-cli-score-").FullName;
        try
        {
            string input = WriteWithBadRows(folder);
            string output = Path.Combine(folder, "scored.csv");
            File.WriteAllText(output, "the previous scores\n");

            var (code, _, error) = CliProcess.Run(["score", "--model", saved.Path, "--input", input, "--output", output]);

            Assert.Equal(2, code);
            // The message evaluate and explain give for the same file.
            var ml = new MLContext(seed: 0);
            var expected = Assert.Throws<CliException>(() =>
                CsvDataset.Load(ml, input, CsvDataset.LabelColumn, requireLabel: false, SavedPipeline.Load(ml, saved.Path).InputColumns()));
            Assert.Equal($"error: {expected.Message}", error.Trim().Split('\n')[^1]);
            Assert.Contains("data row 5, column 'f3': 'abc' is not a number", expected.Message);
            Assert.Equal("the previous scores\n", File.ReadAllText(output));
            Assert.Equal(["input.csv", "scored.csv"], Directory.GetFiles(folder).Select(Path.GetFileName).Order());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void SkipBadRowsWritesThemToTheRejectFileAndScoresTheOthersAsWithoutThem()
    {
        string folder = Directory.CreateTempSubdirectory("vae-cli-score-").FullName;
        try
        {
            string input = WriteWithBadRows(folder);
            string output = Path.Combine(folder, "scored.csv");

            var summary = CliProcess.RunForJson(["score", "--model", saved.Path, "--input", input, "--output", output, "--skip-bad-rows", "--id", "Label"]);

            int good = File.ReadAllLines(Test).Length - 1;
            Assert.Equal(good, summary.GetProperty("rows").GetInt64());
            Assert.Equal(2, summary.GetProperty("rejected").GetInt64());
            string rejectsPath = Path.Combine(folder, "scored.rejects.csv");
            Assert.Equal(rejectsPath, summary.GetProperty("rejects").GetString());
            var rejects = ReadCsv(rejectsPath);
            Assert.Equal(["row", "error", "f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "Label"], rejects[0]);
            Assert.Equal(3, rejects.Length);
            Assert.Equal("5", rejects[1][0]);
            Assert.EndsWith("data row 5, column 'f3': 'abc' is not a number.", rejects[1][1]);
            Assert.Equal("abc", rejects[1][5]);
            Assert.Equal("9", rejects[2][0]);
            Assert.EndsWith("data row 9 has 9 cells but the header has 10.", rejects[2][1]);

            // The good rows score as the same file without the bad ones does.
            string clean = Path.Combine(folder, "clean.csv");
            CliProcess.RunForJson(["score", "--model", saved.Path, "--input", Test, "--output", clean, "--id", "Label"]);
            Assert.Equal(File.ReadAllLines(clean), File.ReadAllLines(output));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void AQuotedKeyCellWithLineBreaksIsOneRowAndTheOutputLinesUpWithTheInput()
    {
        string folder = Directory.CreateTempSubdirectory("vae-cli-score-").FullName;
        try
        {
            // RFC 4180: a quoted cell may hold line breaks (LF and CRLF) and commas. TextLoader used to read each of its
            // lines as a row, and the file was refused: "data row 2 has 0 cells but the header has 11".
            var lines = File.ReadAllLines(Test);
            string Key(int i) => i % 3 == 1 ? $"note {i}\nsecond line, with a comma" : i % 3 == 2 ? $"note {i}\r\nsecond line" : $"r{i}";
            string plain = Path.Combine(folder, "plain.csv"), multiline = Path.Combine(folder, "multiline.csv");
            File.WriteAllLines(plain, lines.Select((line, i) => (i == 0 ? "id" : $"r{i}") + "," + line));
            File.WriteAllText(multiline, string.Join("\n", lines.Select((line, i) => (i == 0 ? "id" : CsvCell.Quote(Key(i))) + "," + line)) + "\n");
            string plainOutput = Path.Combine(folder, "plain-scored.csv"), output = Path.Combine(folder, "scored.csv");

            CliProcess.RunForJson(["score", "--model", saved.Path, "--input", plain, "--output", plainOutput, "--id", "id"]);
            var summary = CliProcess.RunForJson(["score", "--model", saved.Path, "--input", multiline, "--output", output, "--id", "id"]);

            Assert.Equal(lines.Length - 1, summary.GetProperty("rows").GetInt64());
            // Row by row the scores of the file without line breaks, beside each row's own key, whole. TextLoader joins
            // a cell's lines with \n, so a CRLF inside a cell comes back as LF.
            var expected = File.ReadAllLines(plainOutput).Select((line, i) =>
                i == 0 ? line : CsvCell.Quote(Key(i).Replace("\r\n", "\n")) + line[line.IndexOf(',')..]);
            Assert.Equal(string.Join("\n", expected) + "\n", File.ReadAllText(output).ReplaceLineEndings("\n"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void AQuoteThatIsNeverClosedIsRefusedNamingItsLine()
    {
        string folder = Directory.CreateTempSubdirectory("vae-cli-score-").FullName;
        try
        {
            var lines = File.ReadAllLines(Test);
            lines[6] = "\"" + lines[6];
            string input = Path.Combine(folder, "input.csv");
            File.WriteAllLines(input, lines);
            string output = Path.Combine(folder, "scored.csv");

            var (code, _, error) = CliProcess.Run(["score", "--model", saved.Path, "--input", input, "--output", output]);

            Assert.Equal(2, code);
            Assert.Equal($"error: {input}: line 7 opens a quoted cell that is never closed: a quote (\") starts the cell and no closing quote follows up to the end of the file. " +
                "Close it, or write a quote inside a quoted cell twice (\"\").", error.Trim().Split('\n')[^1]);
            Assert.False(File.Exists(output));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void AnIdColumnTheInputLacksIsRefusedNamingIt()
    {
        var (code, _, error) = CliProcess.Run(["score", "--model", saved.Path, "--input", Test, "--output", Path.Combine(saved.Folder, "unused.csv"), "--id", "key"]);

        Assert.Equal(2, code);
        Assert.Contains($"--id key: {Test} has no such column (its columns: f0, f1, f2, f3, f4, f5, f6, f7, f8, Label)", error);
        Assert.False(File.Exists(Path.Combine(saved.Folder, "unused.csv")));
    }

    [Theory]
    [InlineData("")]
    [InlineData(",")]
    [InlineData("Label,,f0")]
    public void AnEmptyIdColumnNameIsRefusedBeforeAnyRowIsScored(string id)
    {
        string output = Path.Combine(saved.Folder, "unused-id.csv");

        var (code, _, error) = CliProcess.Run(["score", "--model", saved.Path, "--input", Test, "--output", output, "--id", id]);

        Assert.NotEqual(0, code);
        Assert.Contains($"--id '{id}' names an empty column", error);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void AnIdColumnNamedAsAnOutputColumnIsRefusedBeforeAnyRowIsScored()
    {
        string folder = Directory.CreateTempSubdirectory("vae-cli-score-").FullName;
        try
        {
            string input = Path.Combine(folder, "input.csv");
            File.WriteAllLines(input, File.ReadAllLines(Test).Select((line, i) => (i == 0 ? "score," : $"{i * 0.5},") + line));
            string output = Path.Combine(folder, "scored.csv");

            var (code, _, error) = CliProcess.Run(["score", "--model", saved.Path, "--input", input, "--output", output, "--id", "score"]);

            Assert.Equal(2, code);
            Assert.Contains("--id score: the output writes a column of that name itself (score, predicted_label, p_value); rename that column of the input", error);
            Assert.False(File.Exists(output));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void MemoryDoesNotGrowWithTheRowsScored()
    {
        string folder = Directory.CreateTempSubdirectory("vae-cli-score-memory-").FullName;
        try
        {
            // Wide rows, so that holding the rows would show: 200,000 rows of 100 features are 80 MB as Singles alone.
            const int features = 100;
            string train = Path.Combine(folder, "train.csv"), model = Path.Combine(folder, "model.zip");
            WriteGaussianCsv(train, 2000, features, seed: 1);
            CliProcess.RunForJson(["evaluate", "--train", train, "--test", train, "--epochs", "2", "--training-codes", "64", "--save-model", model]);

            long PeakKb(int rows)
            {
                string input = Path.Combine(folder, $"rows-{rows}.csv");
                WriteGaussianCsv(input, rows, features, seed: 2);
                long peak = PeakResidentKb(["score", "--model", model, "--input", input, "--output", Path.Combine(folder, "scored.csv")]);
                File.Delete(input);
                return peak;
            }
            long small = PeakKb(20_000), large = PeakKb(200_000);

            Assert.True(large - small < 40 << 10, $"peak resident memory {small >> 10} MB for 20,000 rows, {large >> 10} MB for 200,000");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>breastw's test rows with a text cell in data row 5 and a short data row 9 inserted; the other rows in order.</summary>
    private static string WriteWithBadRows(string folder)
    {
        var lines = File.ReadAllLines(Test).ToList();
        lines.Insert(5, "1,1,1,abc,1,1,1,1,1,0");
        lines.Insert(9, "1,1,1,1,1,1,1,1,1");
        string input = Path.Combine(folder, "input.csv");
        File.WriteAllLines(input, lines);
        return input;
    }

    /// <summary>Seeded Gaussian rows with a header f0, f1, … and a Label column (1 for every tenth row).</summary>
    private static void WriteGaussianCsv(string path, int rows, int features, int seed)
    {
        var random = new Random(seed);
        using var writer = new StreamWriter(path);
        writer.WriteLine(string.Join(",", Enumerable.Range(0, features).Select(j => $"f{j}")) + ",Label");
        var line = new StringBuilder();
        for (int i = 0; i < rows; i++)
        {
            line.Clear();
            for (int j = 0; j < features; j++)
                line.Append((random.NextDouble() * 2 - 1).ToString("F4", CultureInfo.InvariantCulture)).Append(',');
            writer.WriteLine(line.Append(i % 10 == 0 ? '1' : '0'));
        }
    }

    /// <summary>The peak resident memory of a vae-mlnet run, read from /proc while it runs; asserts that it succeeds.</summary>
    private static long PeakResidentKb(IEnumerable<string> args)
    {
        using var process = CliProcess.Start(args);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        long peakKb = 0;
        while (!process.HasExited)
        {
            try
            {
                peakKb = long.Parse(File.ReadLines($"/proc/{process.Id}/status").First(l => l.StartsWith("VmHWM:"))["VmHWM:".Length..^2]);
            }
            catch (Exception exception) when (exception is IOException or InvalidOperationException)
            {
                // The process ended between two reads.
            }
            Thread.Sleep(20);
        }
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, error.Result);
        _ = output.Result;
        return peakKb;
    }

    /// <summary>The cells of a CSV file written by the CLI: quoted cells unquoted.</summary>
    private static string[][] ReadCsv(string path) => File.ReadAllLines(path).Select(SplitCells).ToArray();

    private static string[] SplitCells(string line)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted && c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                cell.Append(line[++i]);
            else if (c == '"')
                quoted = !quoted;
            else if (c == ',' && !quoted)
            {
                cells.Add(cell.ToString());
                cell.Clear();
            }
            else
                cell.Append(c);
        }
        cells.Add(cell.ToString());
        return cells.ToArray();
    }
}
