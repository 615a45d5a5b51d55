using System.Reflection;
using System.Text.Json;

namespace Vae.MLNet.Tests;

/// <summary>Runs the vae-mlnet entry point in-process; console redirection makes these tests run one at a time.</summary>
[Collection(nameof(CliTests))]
[CollectionDefinition(nameof(CliTests), DisableParallelization = true)]
public class CliTests
{
    private static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var (oldOut, oldError) = (Console.Out, Console.Error);
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            var entry = typeof(Vae.MLNet.Cli.CliException).Assembly.EntryPoint!;
            int code = (int)entry.Invoke(null, [args])!;
            return (code, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldError);
        }
    }

    private static string WriteCsv(string content)
    {
        string path = Path.Combine(Path.GetTempPath(), $"vae-cli-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void EvaluateEndsWithOneJsonLineOfFigures()
    {
        var (code, output, error) = Run("evaluate", "--train", TestData.SplitPath("breastw", 0, "train"),
            "--test", TestData.SplitPath("breastw", 0, "test"), "--seed", "0", "--epochs", "20");

        Assert.True(code == 0, error);
        var last = output.TrimEnd().Split('\n')[^1];
        using var json = JsonDocument.Parse(last);
        Assert.InRange(json.RootElement.GetProperty("auc").GetDouble(), 0.9, 1.0);
        Assert.InRange(json.RootElement.GetProperty("detection_rate_at_10fp").GetDouble(), 0.0, 1.0);
        Assert.True(json.RootElement.GetProperty("train_seconds").GetDouble() > 0);
        Assert.True(json.RootElement.GetProperty("score_rows_per_second").GetDouble() > 0);
    }

    [Fact]
    public void GenerateWritesRowsInTheDataUnitsAndExplainNamesFeaturesOfFlaggedRows()
    {
        string model = Path.Combine(Path.GetTempPath(), $"vae-cli-{Guid.NewGuid():N}.zip");
        string generated = Path.ChangeExtension(model, ".csv");
        try
        {
            string train = TestData.SplitPath("breastw", 0, "train"), test = TestData.SplitPath("breastw", 0, "test");
            Assert.Equal(0, Run("evaluate", "--train", train, "--test", test, "--epochs", "30", "--save-model", model).ExitCode);

            var (code, _, error) = Run("generate", "--model", model, "--count", "400", "--seed", "1", "--output", generated);
            Assert.True(code == 0, error);
            var lines = File.ReadAllLines(generated);
            Assert.Equal("f0,f1,f2,f3,f4,f5,f6,f7,f8", lines[0]);
            Assert.Equal(401, lines.Length);
            // breastw's raw features run from 1 to 10 (normal rows mostly 1 to 3): samples mapped back through the
            // pipeline's z-scoring have the training rows' mean, not the z-scores' 0.
            var trainRows = File.ReadLines(train).Skip(1).Select(l => l.Split(',').Select(double.Parse).ToArray()).ToArray();
            var sampleRows = lines.Skip(1).Select(l => l.Split(',').Select(double.Parse).ToArray()).ToArray();
            for (int j = 0; j < 9; j++)
                Assert.InRange(sampleRows.Average(r => r[j]), trainRows.Average(r => r[j]) - 0.6, trainRows.Average(r => r[j]) + 0.6);

            var explained = Run("explain", "--model", model, "--data", test, "--top", "2");
            Assert.True(explained.ExitCode == 0, explained.Error);
            using var json = JsonDocument.Parse(explained.Output.TrimEnd().Split('\n')[^1]);
            Assert.True(json.RootElement.GetProperty("flagged").GetInt32() > 50);
            var top = json.RootElement.GetProperty("rows")[0].GetProperty("top_features");
            Assert.Equal(2, top.GetArrayLength());
            Assert.StartsWith("f", top[0].GetString());
        }
        finally
        {
            File.Delete(model);
            File.Delete(generated);
        }
    }

    [Fact]
    public void DigitsReportsTheHeldOutBoundsAndDrawsThePictures()
    {
        string folder = Directory.CreateTempSubdirectory("vae-digits-").FullName;
        try
        {
            var (code, output, error) = Run("digits", "--output", folder, "--epochs", "5");

            Assert.True(code == 0, error);
            using var json = JsonDocument.Parse(output.TrimEnd().Split('\n')[^1]);
            double elbo = json.RootElement.GetProperty("test_elbo_nats").GetDouble();
            double iwae = json.RootElement.GetProperty("test_iwae_k100_nats").GetDouble();
            Assert.InRange(elbo, -200, 0);
            Assert.True(iwae >= elbo, $"IWAE {iwae} < ELBO {elbo}");
            foreach (var png in new[] { "digits-generated.png", "digits-interpolation.png", "digits-traversal.png" })
                Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(Path.Combine(folder, png))[..4]);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private const string GoodTrain = "f0,f1,Label\n1,2,0\n3,4,0\n";
    private const string GoodTest = "f0,f1,Label\n1,2,0\n3,4,1\n";

    /// <summary>A bad training or test file, and what the one error line must say about it.</summary>
    public static TheoryData<string, string, bool, string> BadFiles() => new()
    {
        { "", GoodTest, false, "the file is empty" },
        { "f0,f1,Label\n", GoodTest, false, "no data rows" },
        { GoodTrain, "f0,f1\n1,2\n", true, "no label column 'Label'" },
        { GoodTrain, "f0,f1,Label\n1,2,x\n", true, "label column 'Label' must hold numbers" },
        { GoodTrain, "f0,f1,Label\n1,2,0\n3,4,2\n", true, "data row 2, column 'Label': '2' is not 0 or 1" },
        { GoodTrain, "f0,f1,Label\n1,2,0\n3,4,\n", true, "data row 2, column 'Label': the cell is empty" },
        { "f0,f1,Label\n1,2,0\n3,4\n", GoodTest, false, "data row 2 has 2 cells but the header has 3" },
        { "f0,f1,Label\n1,2,0\n3,4,0,9\n", GoodTest, false, "data row 2 has 4 cells but the header has 3" },
        { "f0,f1,Label\n" + string.Concat(Enumerable.Repeat("1,2,0\n", 250)) + "3,4\n", GoodTest, false, "data row 251 has 2 cells" },
        { "f0,f1,Label\n1,\"2,0\n3,4,0\n", GoodTest, false, "data row 1 has 2 cells but the header has 3" },
        { "f0,f1,Label\n\"1,5\",2,0\n3,4,0\n", GoodTest, false, "data row 1, column 'f0': '1,5' is not a number" },
        { "f0,f1,Label\n1,2,0\n3,x,0\n", GoodTest, false, "data row 2, column 'f1': 'x' is not a number" },
        { "f0,f1,Label\n1,,0\n3,4,0\n", GoodTest, false, "data row 1, column 'f1': the cell is empty" },
        { "f0,f1,Label\n1e40,2,0\n3,4,0\n", GoodTest, false, "data row 1, column 'f0': '1e40' is beyond the range of a 32-bit float" },
        { GoodTrain, "f0,f1,Label\n1,-1e39,0\n3,4,1\n", true, "data row 1, column 'f1': '-1e39' is beyond the range of a 32-bit float" },
        { "f0,f1,Label\n1,NaN,0\n3,4,0\n", GoodTest, false, "data row 1, column 'f1': 'NaN' is not a finite number" },
        { "f0;f1;Label\n1;2;0\n3;4;0\n", GoodTest, false, "the file must be comma-separated, and this one looks separated by ';'" },
        { "f0\tf1\tLabel\n1\t2\t0\n3\t4\t0\n", GoodTest, false, "looks separated by '\\t'" },
        { GoodTrain, "f1,f0,Label\n1,2,0\n3,4,1\n", true, "feature columns [f1, f0] differ from the training file's [f0, f1]" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void ABadFileGetsOneClearErrorLineNamingItAndANonZeroExitCode(string train, string test, bool testIsBad, string expected)
    {
        string trainPath = WriteCsv(train), testPath = WriteCsv(test);
        try
        {
            var (code, _, error) = Run("evaluate", "--train", trainPath, "--test", testPath, "--epochs", "2");

            Assert.NotEqual(0, code);
            var line = Assert.Single(error.Trim().Split('\n'));
            Assert.StartsWith($"error: {(testIsBad ? testPath : trainPath)}: ", line);
            Assert.Contains(expected, line);
        }
        finally
        {
            File.Delete(trainPath);
            File.Delete(testPath);
        }
    }

    /// <summary>
    /// Files that differ from the plain form only in ways a CSV may: a UTF-8 byte order mark, quoted names and numbers,
    /// CRLF line ends, blank lines, spaces around cells.
    /// </summary>
    [Theory]
    [InlineData("bom")]
    [InlineData("quoted")]
    [InlineData("crlf")]
    [InlineData("blank lines and spaces")]
    public void AFileInAnAcceptedVariantOfCsvEvaluates(string variant)
    {
        string Csv(LabelledRow[] rows)
        {
            var lines = rows.Select(r => string.Join(",", r.Features.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)).Append(r.Label.ToString(System.Globalization.CultureInfo.InvariantCulture))))
                .Prepend(string.Join(",", Enumerable.Range(0, rows[0].Features.Length).Select(j => $"f{j}").Append("Label")));
            return variant switch
            {
                "bom" => "\uFEFF" + string.Join("\n", lines) + "\n",
                "quoted" => string.Join("\n", lines.Select(l => string.Join(",", l.Split(',').Select(c => $"\"{c}\"")))) + "\n",
                "crlf" => string.Join("\r\n", lines) + "\r\n",
                _ => string.Join("\n\n", lines.Select(l => string.Join(" , ", l.Split(',')))) + "\n\n",
            };
        }
        string trainPath = WriteCsv(Csv(TestData.Gaussian(200, 0, dimension: 4))), testPath = WriteCsv(Csv(TestData.Gaussian(40, 10, dimension: 4, seed: 1)));
        try
        {
            var (code, output, error) = Run("evaluate", "--train", trainPath, "--test", testPath, "--epochs", "5");

            Assert.True(code == 0, error);
            using var json = JsonDocument.Parse(output.TrimEnd().Split('\n')[^1]);
            Assert.Equal(4, json.RootElement.GetProperty("features").GetInt32());
            Assert.Equal(50, json.RootElement.GetProperty("test_rows").GetInt32());
            Assert.InRange(json.RootElement.GetProperty("auc").GetDouble(), 0.8, 1.0);
        }
        finally
        {
            File.Delete(trainPath);
            File.Delete(testPath);
        }
    }

    [Fact]
    public void VersionPrintsTheInformationalVersion()
    {
        // A child process: the version line goes through Spectre.Console's own writer, not a redirectable Console.Out.
        using var process = CliProcess.Start(["--version"]);
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();

        Assert.Equal(0, process.ExitCode);
        string expected = typeof(Vae.MLNet.Cli.CliException).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
        Assert.Equal(expected, output.Trim());
    }
}
