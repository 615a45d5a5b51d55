using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Vae.MLNet.Cli;
using Vae.MLNet.Training;

namespace Vae.MLNet.Tests;

/// <summary>Runs the vae-mlnet entry point in-process; console redirection makes these tests run one at a time.</summary>
[Trait("Category", "Slow")]
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
    public void EvaluateOnOneDistinctTrainingRowSaysThatNothingIsCalibratedInsteadOfFailingAfterTraining()
    {
        // Copies of one row: the trainer keeps no calibration scores and flags no row; the figures at 0.01, 0.05 and
        // 0.1 asked it for a threshold it cannot have, and the run failed after training with "no calibration scores".
        string train = WriteCsv("a,b,c\n" + string.Concat(Enumerable.Repeat("1,2,3\n", 20)));
        string test = WriteCsv("a,b,c,Label\n1,2,3,0\n1,2.5,3,0\n9,9,9,1\n");
        try
        {
            var (code, output, error) = Run("evaluate", "--train", train, "--test", test, "--epochs", "2");

            Assert.True(code == 0, error);
            Assert.Contains("one distinct training row leaves none to calibrate a threshold on", error);
            using var json = JsonDocument.Parse(output.TrimEnd().Split('\n')[^1]);
            Assert.Equal(0, json.RootElement.GetProperty("false_positive_rate").GetDouble());
            Assert.DoesNotContain(json.RootElement.EnumerateObject(), property => property.Name.StartsWith("c0."));
        }
        finally
        {
            File.Delete(train);
            File.Delete(test);
        }
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
    public void ExplainRefusesALabelThatIsOneOfTheModelsFeatures()
    {
        // Before, --label f3 was silently ignored: f3 was read as the feature it is, and nothing said so.
        var random = new Random(2);
        string Rows(int count, bool label) => string.Concat(Enumerable.Range(0, count).Select(i =>
            string.Join(",", Enumerable.Range(0, 4).Select(_ => (random.NextDouble() + (i % 10 == 9 && label ? 5 : 0)).ToString("F4", System.Globalization.CultureInfo.InvariantCulture)))
            + (label ? $",{(i % 10 == 9 ? 1 : 0)}" : "") + "\n"));
        string train = WriteCsv("f0,f1,f2,f3\n" + Rows(100, label: false));
        string test = WriteCsv("f0,f1,f2,f3,Label\n" + Rows(40, label: true));
        string model = Path.ChangeExtension(train, ".zip");
        try
        {
            var trained = Run("evaluate", "--train", train, "--test", test, "--epochs", "2", "--save-model", model);
            Assert.True(trained.ExitCode == 0, trained.Error);

            var (code, output, error) = Run("explain", "--model", model, "--data", test, "--label", "f3");

            Assert.Equal(2, code);
            Assert.Equal("error: --label f3: is a feature the model reads (its columns: f0, f1, f2, f3), never a label; name the label column, or leave --label out.",
                error.Trim());
            Assert.Equal("", output);
            Assert.Contains("--label '' names an empty column", Run("explain", "--model", model, "--data", test, "--label", "").Error);
            var labelled = Run("explain", "--model", model, "--data", test, "--label", "Label");
            Assert.True(labelled.ExitCode == 0, labelled.Error);
        }
        finally
        {
            foreach (var path in new[] { train, test, model })
                File.Delete(path);
        }
    }

    [Fact]
    public void ExplainNamesAFeatureWhoseNameHoldsBrackets()
    {
        // Before, explain failed with "Unbalanced markup stack" when it came to write a name like "dose[mg]" in its table,
        // which the console library read as markup.
        string header = "dose[mg],b,c,[x]";
        string Rows(int count, bool label) => string.Concat(Enumerable.Range(0, count).Select(i =>
            string.Join(",", Enumerable.Range(0, 4).Select(j => ((i * 7 + j * 3) % 10 / 10.0 + (i % 10 == 9 && label ? 50 : 0)).ToString(System.Globalization.CultureInfo.InvariantCulture)))
            + (label ? $",{(i % 10 == 9 ? 1 : 0)}" : "") + "\n"));
        string train = WriteCsv(header + "\n" + Rows(100, label: false));
        string test = WriteCsv(header + ",Label\n" + Rows(40, label: true));
        string model = Path.ChangeExtension(train, ".zip");
        try
        {
            var trained = Run("evaluate", "--train", train, "--test", test, "--epochs", "2", "--save-model", model);
            Assert.True(trained.ExitCode == 0, trained.Error);

            var (code, output, error) = Run("explain", "--model", model, "--data", test, "--top", "4");

            Assert.True(code == 0, error);
            using var json = JsonDocument.Parse(output.TrimEnd().Split('\n')[^1]);
            Assert.Equal(4, json.RootElement.GetProperty("flagged").GetInt32());
            Assert.Equal(["[x]", "b", "c", "dose[mg]"], json.RootElement.GetProperty("rows")[0].GetProperty("top_features").EnumerateArray()
                .Select(name => name.GetString()).Order(StringComparer.Ordinal));
        }
        finally
        {
            foreach (var path in new[] { train, test, model })
                File.Delete(path);
        }
    }

    [Fact]
    public void ExplainExplainsAPipelineOfAFeaturizerAndADetectorWithTheDetectorNamingItsLatentCoordinates()
    {
        // Before, explain stopped at the featurizer, the pipeline's first VAE: "the pipeline's VAE is a featurizer".
        var (ml, pipeline, data, model, test) = FeaturizerAndDetector();
        try
        {
            int expected = pipeline.Transform(data).GetColumn<bool>("PredictedLabel").Count(flagged => flagged);

            var (code, output, error) = Run("explain", "--model", model, "--data", test, "--top", "3");

            Assert.True(code == 0, error);
            Assert.Contains($"note: {model}: the detector reads 'Latent', the latent codes of the featurizer at step 1: the features it names are their coordinates, " +
                "Latent[0] to Latent[2], not the file's columns.", error);
            using var json = JsonDocument.Parse(output.TrimEnd().Split('\n')[^1]);
            Assert.Equal(expected, json.RootElement.GetProperty("flagged").GetInt32());
            Assert.InRange(expected, 1, 299);
            Assert.All(json.RootElement.GetProperty("rows").EnumerateArray().SelectMany(row => row.GetProperty("top_features").EnumerateArray()),
                name => Assert.Matches(@"^Latent\[[0-2]\]$", name.GetString()));

            // The featurizer alone has nothing to explain.
            ml.Model.Save(pipeline.First(), data.Schema, model);
            var alone = Run("explain", "--model", model, "--data", test);
            Assert.Equal((2, $"error: {model}: the pipeline's VAE is a featurizer, with no anomaly detector: explain names the features behind the rows a detector flags."),
                (alone.ExitCode, alone.Error.Trim()));
        }
        finally
        {
            File.Delete(model);
            File.Delete(test);
        }
    }

    [Fact]
    public void ScoreWritesTheDetectorsScoresOfAPipelineOfAFeaturizerAndADetector()
    {
        // Before, score stopped at the featurizer, the pipeline's first VAE, and wrote its latent codes alone: no score, no label.
        var (ml, pipeline, data, model, test) = FeaturizerAndDetector();
        string output = Path.Combine(Path.GetTempPath(), $"vae-cli-{Guid.NewGuid():N}.csv");
        try
        {
            var scored = pipeline.Transform(data);
            var scores = scored.GetColumn<float>("Score").ToArray();
            var flags = scored.GetColumn<bool>("PredictedLabel").ToArray();

            var (code, _, error) = Run("score", "--model", model, "--input", test, "--output", output, "--latent");

            Assert.True(code == 0, error);
            var lines = File.ReadAllLines(output);
            Assert.Equal("score,predicted_label,p_value,latent_0,latent_1", lines[0]);
            var cells = lines.Skip(1).Select(line => line.Split(',')).ToArray();
            Assert.Equal(scores.Length, cells.Length);
            for (int i = 0; i < cells.Length; i++)
            {
                Assert.Equal(scores[i], float.Parse(cells[i][0], System.Globalization.CultureInfo.InvariantCulture), 1e-4f);
                Assert.Equal(flags[i] ? "1" : "0", cells[i][1]);
            }
        }
        finally
        {
            foreach (var path in new[] { model, test, output })
                File.Delete(path);
        }
    }

    /// <summary>A saved pipeline of a featurizer (latent 3) and a detector of its codes (latent 2), and a CSV of its training rows.</summary>
    private static (MLContext Ml, TransformerChain<VaeAnomalyDetectionTransformer> Pipeline, IDataView Data, string Model, string Test) FeaturizerAndDetector()
    {
        var ml = new MLContext(seed: 1);
        var rows = TestData.Gaussian(300, 30);
        var data = TestData.ToDataView(ml, rows);
        var pipeline = ml.Transforms.VaeEncode(new VaeEncodeEstimator.Options { Epochs = 5, Seed = 1, LatentDimension = 3, HiddenLayerSizes = [16] })
            .Append(ml.AnomalyDetection.Trainers.Vae(new VaeAnomalyDetectionTrainer.Options
            {
                FeatureColumnName = "Latent", Epochs = 5, Seed = 1, LatentDimension = 2, HiddenLayerSizes = [8], Contamination = 0.1,
            }))
            .Fit(data);
        string model = Path.Combine(Path.GetTempPath(), $"vae-cli-{Guid.NewGuid():N}.zip");
        ml.Model.Save(pipeline, data.Schema, model);
        string test = WriteCsv("a,b,c,d,e,f,Label\n" + string.Concat(rows.Select(row =>
            string.Join(",", row.Features.Select(x => x.ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + $",{row.Label}\n")));
        return (ml, pipeline, data, model, test);
    }

    [Fact]
    public void GenerateRefusesAPipelineWhoseNormalizerItCannotMapBack()
    {
        // A CDF normalizer maps the features into (0, 1); generate left its rows there, under the data's column names,
        // and said it wrote them in the data's units.
        var ml = new MLContext(seed: 1);
        var data = TestData.ToDataView(ml, TestData.Gaussian(100, 0));
        var pipeline = ml.Transforms.NormalizeMeanVariance("Features", useCdf: true)
            .Append(ml.AnomalyDetection.Trainers.Vae(new VaeAnomalyDetectionTrainer.Options { Epochs = 1, LatentDimension = 2, HiddenLayerSizes = [8] }))
            .Fit(data);
        string model = Path.Combine(Path.GetTempPath(), $"vae-cli-{Guid.NewGuid():N}.zip");
        string generated = Path.ChangeExtension(model, ".csv");
        try
        {
            ml.Model.Save(pipeline, data.Schema, model);

            var (code, _, error) = Run("generate", "--model", model, "--count", "5", "--output", generated);

            Assert.Equal(2, code);
            Assert.Contains("step 1 normalizes 'Features' with a CDF", error);
            Assert.False(File.Exists(generated));
        }
        finally
        {
            File.Delete(model);
            File.Delete(generated);
        }
    }

    /// <summary>
    /// A flagged row that breaks a relation the normal rows keep (f2 = f0 + f1) while every value stays in its normal
    /// range is explained by a feature of the relation: explain adds each feature's share of the minor-component term
    /// to its reconstruction error, which alone mostly named an unrelated feature for such rows.
    /// </summary>
    [Fact]
    public void ExplainNamesAFeatureOfTheRelationAFlaggedRowBreaks()
    {
        var random = new Random(7);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        string Rows(int normal, int anomalies) => "f0,f1,f2,f3,f4,Label\n" + string.Concat(Enumerable.Range(0, normal + anomalies).Select(i =>
        {
            var x = Enumerable.Range(0, 5).Select(_ => Normal()).ToArray();
            x[2] = x[0] + x[1] + 0.05 * Normal() + (i >= normal ? 1.0 : 0);
            return string.Join(',', x.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + (i >= normal ? ",1\n" : ",0\n");
        }));
        string train = WriteCsv(Rows(600, 0)), test = WriteCsv(Rows(200, 40));
        string model = Path.ChangeExtension(train, ".zip");
        try
        {
            var trained = Run("evaluate", "--train", train, "--test", test, "--epochs", "60", "--seed", "0", "--save-model", model);
            Assert.True(trained.ExitCode == 0, trained.Error);

            var explained = Run("explain", "--model", model, "--data", test, "--top", "1");
            Assert.True(explained.ExitCode == 0, explained.Error);
            using var json = JsonDocument.Parse(explained.Output.TrimEnd().Split('\n')[^1]);
            var anomalies = json.RootElement.GetProperty("rows").EnumerateArray().Where(r => r.GetProperty("row").GetInt64() > 200).ToArray();
            Assert.True(anomalies.Length >= 30, $"{anomalies.Length} of the 40 anomalies flagged");
            int ofTheRelation = anomalies.Count(r => r.GetProperty("top_features")[0].GetString() is "f0" or "f1" or "f2");
            Assert.True(ofTheRelation >= 0.9 * anomalies.Length, $"a feature of the relation first in {ofTheRelation} of {anomalies.Length} flagged anomalies");
        }
        finally
        {
            File.Delete(train);
            File.Delete(test);
            File.Delete(model);
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

    [Theory]
    [InlineData("--latent", "0")]
    [InlineData("--epochs", "-3")]
    public void DigitsRefusesAnOptionOutOfRangeByItsNameBeforeWritingAnything(string option, string value)
    {
        // Before, the folder was made and the digits copied into it, and then the run failed naming the library's
        // LatentDimension or Epochs.
        string folder = Path.Combine(Path.GetTempPath(), $"vae-digits-{Guid.NewGuid():N}");
        try
        {
            var (code, _, error) = Run("digits", "--output", folder, option, value);

            Assert.NotEqual(0, code);
            Assert.Contains($"{option} {value}", error);
            Assert.False(Directory.Exists(folder));
        }
        finally
        {
            if (Directory.Exists(folder))
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
        // A label spelt otherwise than 1 and 0 is refused saying how labels are spelt, not that it is no number (or, for
        // NA, that a feature's cells must hold numbers).
        { GoodTrain, "f0,f1,Label\n1,2,x\n", true, "data row 1, column 'Label': 'x' is no label: a label is 1 (anomaly) or 0 (normal), and the tool reads no other spelling" },
        { GoodTrain, "f0,f1,Label\n1,2,no\n3,4,yes\n", true, "data row 1, column 'Label': 'no' is no label: a label is 1 (anomaly) or 0 (normal)" },
        { GoodTrain, "f0,f1,Label\n1,2,0\n3,4,NA\n", true, "data row 2, column 'Label': 'NA' is a missing value: a label is 1 (anomaly) or 0 (normal) in every row (drop the rows without one)" },
        { GoodTrain, "f0,f1,Label\n1,2,-1\n3,4,1\n", true, "data row 1, column 'Label': '-1' is no label: a label is 1 (anomaly) or 0 (normal), and the tool reads no other value" },
        { GoodTrain, "f0,f1,Label\n1,2,0\n3,4,2\n", true, "data row 2, column 'Label': '2' is no label: a label is 1 (anomaly) or 0 (normal)" },
        { GoodTrain, "f0,f1,Label\n1,2,0\n3,4,\n", true, "data row 2, column 'Label': the cell is empty: a label is 1 (anomaly) or 0 (normal) in every row" },
        { "f0,f1,Label\n1,2,0\n3,4\n", GoodTest, false, "data row 2 has 2 cells but the header has 3" },
        { "f0,f1,Label\n1,2,0\n3,4,0,9\n", GoodTest, false, "data row 2 has 4 cells but the header has 3" },
        { "f0,f1,Label\n" + string.Concat(Enumerable.Repeat("1,2,0\n", 250)) + "3,4\n", GoodTest, false, "data row 251 has 2 cells" },
        { "f0,f1,Label\n1,\"2,0\n3,4,0\n", GoodTest, false, "line 2 opens a quoted cell that is never closed" },
        { "f0,f1,Label\n\"1,5\",2,0\n3,4,0\n", GoodTest, false, "data row 1, column 'f0': '1,5' is not a number" },
        { "f0,f1,Label\n1,2,0\n3,x,0\n", GoodTest, false, "data row 2, column 'f1': 'x' is not a number" },
        { "f0,f1,Label\n1,,0\n3,4,0\n", GoodTest, false, "data row 1, column 'f1': the cell is empty" },
        { "f0,f1,Label\n1e40,2,0\n3,4,0\n", GoodTest, false, "data row 1, column 'f0': '1e40' is beyond the range of a 32-bit float" },
        { GoodTrain, "f0,f1,Label\n1,-1e39,0\n3,4,1\n", true, "data row 1, column 'f1': '-1e39' is beyond the range of a 32-bit float" },
        { "f0,f1,Label\n1,Infinity,0\n3,4,0\n", GoodTest, false, "data row 1, column 'f1': 'Infinity' is not a finite number" },
        { "f0;f1;Label\n1;2;0\n3;4;0\n", GoodTest, false, "the file must be comma-separated, and this one looks separated by ';'" },
        { "f0\tf1\tLabel\n1\t2\t0\n3\t4\t0\n", GoodTest, false, "looks separated by '\\t'" },
        { GoodTrain, "f0,g1,Label\n1,2,0\n3,4,1\n", true, "no column 'f1', which the model reads (the file's columns: f0, g1, Label)" },
        // Missing values: the same error as any other cell that is no number, naming the spelling.
        { "f0,f1,Label\n" + string.Concat(Enumerable.Repeat("1,NA,0\n", 250)) + "3,4,0\n", GoodTest, false, "data row 1, column 'f1': 'NA' is a missing value" },
        { "f0,f1,Label\n1,N/A,0\n3,4,0\n", GoodTest, false, "data row 1, column 'f1': 'N/A' is a missing value" },
        { "f0,f1,Label\n1,2,0\n3,null,0\n", GoodTest, false, "data row 2, column 'f1': 'null' is a missing value" },
        { "f0,f1,Label\n1,?,0\n3,4,0\n", GoodTest, false, "data row 1, column 'f1': '?' is a missing value" },
        { "f0,f1,Label\n1,NaN,0\n3,4,0\n", GoodTest, false, "data row 1, column 'f1': 'NaN' is a missing value" },
        { GoodTrain, "f0,f1,Label\n1,2,0\n,4,1\n", true, "data row 2, column 'f0': the cell is empty" },
        // A name given twice: neither copy is taken by position.
        { "f0,f1,Label,Label\n1,2,0,0\n3,4,0,1\n", GoodTest, false, "the header names column 'Label' more than once (columns 3 and 4)" },
        { "f0,f1,f0,Label\n1,2,5,0\n3,4,6,0\n", GoodTest, false, "the header names column 'f0' more than once (columns 1 and 3)" },
        { GoodTrain, "f0,f1,Label,Label\n1,2,0,0\n3,4,1,1\n", true, "the header names column 'Label' more than once" },
        { ",f0,f1,Label\n0,1,2,0\n1,3,4,0\n", GoodTest, false, "column 1 holds numbers but has no name in the header" },
    };

    /// <summary>Empty and NaN feature cells are missing cells with --missing-values Model (never named by explain), and an error that names the switch without it.</summary>
    [Fact]
    public void EvaluateReadsEmptyCellsAsMissingWithMissingValuesModelAndScoreAndExplainWithItsModel()
    {
        static string Csv(LabelledRow[] rows, bool hide = true) => "f0,f1,f2,f3,Label\n" + string.Concat(rows.Select((row, i) =>
            string.Join(",", row.Features.Select((v, j) => hide && (i + j) % 7 == 0 ? "" : hide && (i + j) % 11 == 0 ? "NaN" : v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))
            + $",{row.Label}\n"));
        string trainPath = WriteCsv(Csv(TestData.Gaussian(300, 0, dimension: 4))), testPath = WriteCsv(Csv(TestData.Gaussian(100, 20, dimension: 4, seed: 1)));
        string modelPath = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.zip"), scoredPath = modelPath + ".csv";
        string completePath = WriteCsv(Csv(TestData.Gaussian(100, 20, dimension: 4, seed: 1), hide: false)), completeModel = modelPath + ".complete.zip";
        try
        {
            var (code, output, error) = Run("evaluate", "--train", trainPath, "--test", testPath, "--epochs", "20", "--missing-values", "Model", "--save-model", modelPath);
            Assert.True(code == 0, error);
            Assert.Contains("\"auc\"", output.TrimEnd().Split('\n')[^1]);

            // score knows from the model that empty and NaN cells are missing: every row is scored.
            var scored = Run("score", "--model", modelPath, "--input", testPath, "--output", scoredPath);
            Assert.True(scored.ExitCode == 0, scored.Error);
            var lines = File.ReadAllLines(scoredPath);
            Assert.Equal(File.ReadAllLines(testPath).Length, lines.Length);
            Assert.All(lines.Skip(1), line => Assert.True(float.IsFinite(float.Parse(line.Split(',')[0], System.Globalization.CultureInfo.InvariantCulture)), line));

            // explain names observed features only, however many --top asks for: a missing cell made no row anomalous.
            var explained = Run("explain", "--model", modelPath, "--data", testPath, "--top", "4");
            Assert.True(explained.ExitCode == 0, explained.Error);
            var testLines = File.ReadAllLines(testPath);
            var flagged = System.Text.Json.JsonDocument.Parse(explained.Output.TrimEnd().Split('\n')[^1]).RootElement.GetProperty("rows").EnumerateArray().ToArray();
            Assert.Contains(flagged, row => testLines[row.GetProperty("row").GetInt32()].Split(',').Take(4).Any(cell => cell is "" or "NaN"));
            Assert.All(flagged, row =>
            {
                var cells = testLines[row.GetProperty("row").GetInt32()].Split(',');
                var observed = Enumerable.Range(0, 4).Where(j => cells[j] is not ("" or "NaN")).Select(j => $"f{j}").ToArray();
                Assert.Equal(observed.Order(), row.GetProperty("top_features").EnumerateArray().Select(name => name.GetString()).Order());
            });

            var refused = Run("evaluate", "--train", trainPath, "--test", testPath, "--epochs", "2");
            Assert.NotEqual(0, refused.ExitCode);
            Assert.Contains("the cell is empty; a model trained with --missing-values Model reads", refused.Error);

            // A model of complete rows still refuses them in score.
            Assert.Equal(0, Run("evaluate", "--train", completePath, "--test", completePath, "--epochs", "2", "--save-model", completeModel).ExitCode);
            var refusedByScore = Run("score", "--model", completeModel, "--input", testPath, "--output", scoredPath);
            Assert.NotEqual(0, refusedByScore.ExitCode);
            Assert.Contains("the cell is empty; a model trained with --missing-values Model reads", refusedByScore.Error);
        }
        finally
        {
            foreach (var path in new[] { trainPath, testPath, modelPath, scoredPath, completePath, completeModel })
                File.Delete(path);
        }
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void ARowWithEveryFeatureCellEmptyIsNamedByItsFileRowAndScoreCanSkipIt()
    {
        string rows = string.Concat(Enumerable.Range(0, 60).Select(i => $"{i % 7},{i % 5},{i % 3},{(i % 10 == 0 ? 1 : 0)}\n"));
        string trainPath = WriteCsv("f0,f1,f2,Label\n" + rows);
        string badTrain = WriteCsv("f0,f1,f2,Label\n1,2,3,0\n,,,0\n" + rows);
        string testPath = WriteCsv("f0,f1,f2,Label\n1,,3,0\n,NaN,,1\n0.5,0.5,,0\n");
        string modelPath = Path.Combine(Path.GetTempPath(), $"empty-row-{Guid.NewGuid():N}.zip"), scoredPath = modelPath + ".csv", rejectsPath = modelPath + ".rejects.csv";
        try
        {
            var refused = Run("evaluate", "--train", badTrain, "--test", testPath, "--epochs", "2", "--missing-values", "Model");
            Assert.NotEqual(0, refused.ExitCode);
            Assert.Contains($"{badTrain}: data row 2: every feature cell is empty or NaN", refused.Error);

            Assert.Equal(0, Run("evaluate", "--train", trainPath, "--test", trainPath, "--epochs", "2", "--missing-values", "Model", "--save-model", modelPath).ExitCode);
            var scored = Run("score", "--model", modelPath, "--input", testPath, "--output", scoredPath, "--skip-bad-rows", "--rejects", rejectsPath);
            Assert.True(scored.ExitCode == 0, scored.Error);
            Assert.Equal(3, File.ReadAllLines(scoredPath).Length);
            var rejected = File.ReadAllLines(rejectsPath);
            Assert.Equal(2, rejected.Length);
            Assert.StartsWith("2,", rejected[1]);
            Assert.Contains("\"rejected\":1", scored.Output);
        }
        finally
        {
            foreach (var path in new[] { trainPath, badTrain, testPath, modelPath, scoredPath, rejectsPath })
                File.Delete(path);
        }
    }

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void ABadFileGetsOneClearErrorLineNamingItAndANonZeroExitCode(string train, string test, bool testIsBad, string expected)
    {
        string trainPath = WriteCsv(train), testPath = WriteCsv(test);
        try
        {
            var (code, _, error) = Run("evaluate", "--train", trainPath, "--test", testPath, "--epochs", "2");

            Assert.NotEqual(0, code);
            // Standard error is also the progress log: the error is its one line that starts with "error:", and its last.
            var lines = error.Trim().Split('\n');
            var line = Assert.Single(lines, l => l.StartsWith("error:", StringComparison.Ordinal));
            Assert.Equal(lines[^1], line);
            Assert.StartsWith($"error: {(testIsBad ? testPath : trainPath)}: ", line);
            Assert.Contains(expected, line);
        }
        finally
        {
            File.Delete(trainPath);
            File.Delete(testPath);
        }
    }

    [Fact]
    public void AFiniteValueThatOverflowsOnceZScoredIsNamedByFileRowAndColumnInEveryCommand()
    {
        // f0 varies by less than 1 in training: 3.4e38, a 32-bit float the row check passes, is ∞ once divided by its
        // standard deviation. evaluate used to fail with "InvalidOperationException: Event we were waiting on was subject
        // to an exception", score with "<output>: not written (VaeDataException: Row 2 …)" blaming its output, and
        // explain with the library's message, which counts rows from 0 and advises replacing missing values.
        string trainPath = WriteCsv("f0,f1,Label\n" + string.Concat(Enumerable.Range(0, 40).Select(i => $"{i % 2 * 0.5},{i % 5},0\n")));
        string goodTest = WriteCsv("f0,f1,Label\n0.5,2,0\n1,3,1\n"), badTest = WriteCsv("f0,f1,Label\n0.5,2,0\n1,3,0\n3.4e38,4,1\n");
        string modelPath = Path.Combine(Path.GetTempPath(), $"overflow-{Guid.NewGuid():N}.zip"), scoredPath = modelPath + ".csv";
        try
        {
            string Expected(string file) => $"error: {file}: data row 3, column 'f0': the value is beyond the range of a 32-bit float (±3.4e38) once z-scored with the training rows' " +
                "mean and standard deviation; a value this extreme (a sentinel such as 3.4e38?) is no measurement: replace it or drop the row.";
            var evaluated = Run("evaluate", "--train", trainPath, "--test", badTest, "--epochs", "2");
            Assert.Equal(Expected(badTest), evaluated.Error.Trim().Split('\n')[^1]);

            Assert.Equal(0, Run("evaluate", "--train", trainPath, "--test", goodTest, "--epochs", "2", "--save-model", modelPath).ExitCode);
            var scored = Run("score", "--model", modelPath, "--input", badTest, "--output", scoredPath);
            Assert.Equal(Expected(badTest), scored.Error.Trim().Split('\n')[^1]);
            Assert.False(File.Exists(scoredPath));
            var explained = Run("explain", "--model", modelPath, "--data", badTest);
            Assert.Equal(Expected(badTest), explained.Error.Trim().Split('\n')[^1]);
            Assert.All(new[] { evaluated.ExitCode, scored.ExitCode, explained.ExitCode }, code => Assert.Equal(2, code));
        }
        finally
        {
            foreach (var path in new[] { trainPath, goodTest, badTest, modelPath, scoredPath })
                File.Delete(path);
        }
    }

    [Fact]
    public void SkipBadRowsRejectsRowsThatOverflowOnceZScoredInAnyBlockAndScoresTheOthersAsWithoutThem()
    {
        // Before, score --skip-bad-rows stopped at the first such row: only the model finds it, after z-scoring.
        // 40,000 rows span three of score's blocks; two bad rows share the first, two lie either side of its end.
        string trainPath = WriteCsv("f0,f1,Label\n" + string.Concat(Enumerable.Range(0, 40).Select(i => $"{i % 2 * 0.5},{i % 5},0\n")));
        string goodTest = WriteCsv("f0,f1,Label\n0.5,2,0\n1,3,1\n");
        var overflowing = new[] { 3, 7, ScoreCommand.BlockRows, ScoreCommand.BlockRows + 1, 39_999 };
        // float.MaxValue written out (row 7) passes the row check: as a double it lies a little above float.MaxValue.
        string Row(int i) => i == 5 ? "abc,1,0" : $"{(i == 7 ? "3.4028235e38" : overflowing.Contains(i) ? "3.4e38" : (i % 4 * 0.25).ToString(CultureInfo.InvariantCulture))},{i % 7},{i % 2}";
        var dataRows = Enumerable.Range(1, 40_000).ToArray();
        string badTest = WriteCsv("f0,f1,Label\n" + string.Concat(dataRows.Select(i => Row(i) + "\n")));
        string cleanTest = WriteCsv("f0,f1,Label\n" + string.Concat(dataRows.Where(i => i != 5 && !overflowing.Contains(i)).Select(i => Row(i) + "\n")));
        string modelPath = Path.Combine(Path.GetTempPath(), $"overflow-{Guid.NewGuid():N}.zip"), scored = modelPath + ".csv", clean = modelPath + ".clean.csv";
        string rejectsPath = Path.ChangeExtension(scored, null) + ".rejects.csv";
        try
        {
            Assert.Equal(0, Run("evaluate", "--train", trainPath, "--test", goodTest, "--epochs", "2", "--save-model", modelPath).ExitCode);

            var skipped = Run("score", "--model", modelPath, "--input", badTest, "--output", scored, "--skip-bad-rows", "--id", "Label");

            Assert.Equal(0, skipped.ExitCode);
            var rejects = File.ReadAllLines(rejectsPath).Skip(1).ToArray();
            Assert.Equal([3, 5, 7, .. overflowing[2..]], rejects.Select(line => int.Parse(line.Split(',')[0], CultureInfo.InvariantCulture)));
            Assert.All(rejects.Where(line => !line.StartsWith("5,")), line => Assert.Contains("column 'f0': the value is beyond the range of a 32-bit float (±3.4e38) once z-scored", line));
            Assert.EndsWith(",3.4e38,1,1", rejects[^1]);
            Assert.Equal(0, Run("score", "--model", modelPath, "--input", cleanTest, "--output", clean, "--id", "Label").ExitCode);
            Assert.Equal(File.ReadAllLines(clean), File.ReadAllLines(scored));
        }
        finally
        {
            foreach (var path in new[] { trainPath, goodTest, badTest, cleanTest, modelPath, scored, clean, rejectsPath })
                File.Delete(path);
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

    private static readonly string[] OddHeaders = ["température", "pre\"ssure", "日本", "flag"];

    /// <summary>
    /// Seeded rows of three correlated Gaussian columns and a 'flag' column: 0 in every normal row, 50 in every anomaly
    /// (the anomalies are otherwise drawn like the normal rows). <paramref name="order"/> lists the columns to write
    /// (indexes into the headers, 4 = Label), so that the same rows can be written with the columns in another order.
    /// </summary>
    private static string FlagCsv(int normal, int anomalies, int seed, int[] order)
    {
        var random = new Random(seed);
        double Gaussian() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        string[] header = [.. OddHeaders.Select(h => h.Contains('"') ? $"\"{h.Replace("\"", "\"\"")}\"" : h), "Label"];
        var lines = new List<string> { string.Join(",", order.Select(c => header[c])) };
        for (int i = 0; i < normal + anomalies; i++)
        {
            double a = Gaussian(), b = Gaussian(), c = a + 0.1 * Gaussian();
            bool anomaly = i >= normal;
            string[] cells = [.. new[] { a, b, c, anomaly ? 50 : 0 }.Select(v => v.ToString("F5", System.Globalization.CultureInfo.InvariantCulture)), anomaly ? "1" : "0"];
            lines.Add(string.Join(",", order.Select(column => cells[column])));
        }
        return string.Join("\n", lines) + "\n";
    }

    [Fact]
    public void AColumnConstantInTrainingCountsWhenATestRowDeviatesInIt()
    {
        // NormalizeMeanVariance alone gives 'flag' the scale 0: every value maps to 0 and the anomalies, which differ
        // from the normal rows in 'flag' only, score like them (AUROC about 0.5).
        string trainPath = WriteCsv(FlagCsv(300, 0, seed: 0, [0, 1, 2, 3])), testPath = WriteCsv(FlagCsv(60, 15, seed: 1, [0, 1, 2, 3, 4]));
        try
        {
            var (code, output, error) = Run("evaluate", "--train", trainPath, "--test", testPath, "--epochs", "10");

            Assert.True(code == 0, error);
            using var json = JsonDocument.Parse(output.TrimEnd().Split('\n')[^1]);
            Assert.Equal(4, json.RootElement.GetProperty("features").GetInt32());
            Assert.InRange(json.RootElement.GetProperty("auc").GetDouble(), 0.95, 1.0);
        }
        finally
        {
            File.Delete(trainPath);
            File.Delete(testPath);
        }
    }

    [Fact]
    public void ASavedModelReadsItsColumnsByNameInAnyOrderAndRefusesAFileWithoutThem()
    {
        string trainPath = WriteCsv(FlagCsv(300, 0, seed: 0, [0, 1, 2, 3]));
        string testPath = WriteCsv(FlagCsv(60, 15, seed: 1, [0, 1, 2, 3, 4]));
        // The same rows, the columns reversed; and with an extra column the model does not read.
        string reversedPath = WriteCsv(FlagCsv(60, 15, seed: 1, [4, 3, 2, 1, 0]));
        string extraPath = WriteCsv(string.Join("\n", File.ReadAllLines(testPath).Select((line, i) => (i == 0 ? "extra," : $"{i % 7},") + line)) + "\n");
        string otherPath = WriteCsv("a,pre\"ssure,c,Label\n1,2,3,0\n");
        string model = Path.ChangeExtension(trainPath, ".zip");
        try
        {
            var original = Run("evaluate", "--train", trainPath, "--test", testPath, "--epochs", "10", "--save-model", model);
            Assert.True(original.ExitCode == 0, original.Error);
            var reversed = Run("evaluate", "--train", trainPath, "--test", reversedPath, "--epochs", "10");
            Assert.True(reversed.ExitCode == 0, reversed.Error);
            Assert.Equal(original.Output.Split('\n')[^2].Split("\"train_seconds\"")[0], reversed.Output.Split('\n')[^2].Split("\"train_seconds\"")[0]);

            var explained = Run("explain", "--model", model, "--data", testPath);
            Assert.True(explained.ExitCode == 0, explained.Error);
            string json = explained.Output.TrimEnd().Split('\n')[^1];
            using (var flagged = JsonDocument.Parse(json))
            {
                var names = flagged.RootElement.GetProperty("rows").EnumerateArray()
                    .SelectMany(row => row.GetProperty("top_features").EnumerateArray().Select(name => name.GetString())).ToHashSet();
                Assert.Contains("flag", names);
                Assert.Subset(OddHeaders.ToHashSet<string?>(), names);
            }
            Assert.Equal(json, Run("explain", "--model", model, "--data", reversedPath).Output.TrimEnd().Split('\n')[^1]);

            var extra = Run("explain", "--model", model, "--data", extraPath);
            Assert.Equal(json, extra.Output.TrimEnd().Split('\n')[^1]);
            Assert.Contains($"note: {extraPath}: column 'extra' is not read: the model was not trained on it.", extra.Error);

            var other = Run("explain", "--model", model, "--data", otherPath);
            Assert.Equal(2, other.ExitCode);
            Assert.Equal($"error: {otherPath}: no column 'température', '日本', 'flag', which the model reads (the file's columns: a, pre\"ssure, c, Label).", other.Error.Trim());
        }
        finally
        {
            foreach (var path in new[] { trainPath, testPath, reversedPath, extraPath, otherPath, model })
                File.Delete(path);
        }
    }

    [Fact]
    public void AColumnWithoutAnyNumberIsNamedInANoteAndNotRead()
    {
        string trainPath = WriteCsv("id,f0,f1,comment\n" + string.Concat(Enumerable.Range(0, 40).Select(i => $"r{i},{i % 5},{i % 3},NA\n")));
        string testPath = WriteCsv("f1,f0,Label\n" + string.Concat(Enumerable.Range(0, 20).Select(i => $"{i % 3},{i % 5},{i % 2}\n")));
        try
        {
            var (code, output, error) = Run("evaluate", "--train", trainPath, "--test", testPath, "--epochs", "2");

            Assert.True(code == 0, error);
            Assert.Contains($"note: {trainPath}: columns 'id', 'comment' hold no number, so are not features.", error.Split('\n').Select(line => line.Trim()));
            using var json = JsonDocument.Parse(output.TrimEnd().Split('\n')[^1]);
            Assert.Equal(2, json.RootElement.GetProperty("features").GetInt32());
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
