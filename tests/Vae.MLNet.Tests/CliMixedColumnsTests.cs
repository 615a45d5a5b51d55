using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Vae.MLNet.Cli;

namespace Vae.MLNet.Tests;

/// <summary>
/// A table of numbers, a categorical text column and a true/false flag through <c>vae-mlnet evaluate --categorical
/// --boolean --save-model</c>, <c>score</c> and <c>explain</c> in child processes: test anomalies that differ from
/// normal rows only in their category are found, scored from the saved pipeline and explained by that column's name.
/// </summary>
public class CliMixedColumnsTests(CliMixedColumnsTests.SavedModel saved) : IClassFixture<CliMixedColumnsTests.SavedModel>
{
    private static readonly string[] Colors = ["red", "green", "blue", "amber", "violet"];

    /// <summary>One detector trained by <c>evaluate</c> on the synthetic table, shared by the tests.</summary>
    public sealed class SavedModel : IDisposable
    {
        public SavedModel()
        {
            var random = new Random(0);
            File.WriteAllLines(Train, Rows(random, normal: 400, anomalies: 0));
            File.WriteAllLines(Test, Rows(random, normal: 150, anomalies: 15));
            Figures = CliProcess.RunForJson(["evaluate", "--train", Train, "--test", Test, "--categorical", "color", "--boolean", "active",
                "--epochs", "20", "--seed", "0", "--save-model", Model]);
        }

        public string Folder { get; } = Directory.CreateTempSubdirectory("vae-cli-mixed-").FullName;

        public string Train => Path.Combine(Folder, "train.csv");

        public string Test => Path.Combine(Folder, "test.csv");

        public string Model => Path.Combine(Folder, "model.zip");

        /// <summary>The JSON figures evaluate printed.</summary>
        public System.Text.Json.JsonElement Figures { get; }

        public void Dispose() => Directory.Delete(Folder, recursive: true);
    }

    /// <summary>
    /// x2 = 2·x1 + noise; color is the fifth of x1's range the row lies in (names with no order a number could follow);
    /// active is whether x2 is above 0, give or take. An anomaly has normal numbers and flag, and the color of a
    /// fifth two or three away.
    /// </summary>
    private static IEnumerable<string> Rows(Random random, int normal, int anomalies)
    {
        yield return "x1,x2,color,active,Label";
        foreach (bool anomaly in Enumerable.Repeat(false, normal).Concat(Enumerable.Repeat(true, anomalies)).OrderBy(_ => random.Next()))
        {
            double x1 = random.NextDouble() * 5 - 2.5;
            double x2 = 2 * x1 + 0.2 * Normal(random);
            int fifth = Math.Min(4, (int)(x1 + 2.5));
            string color = Colors[anomaly ? (fifth + 2 + random.Next(2)) % 5 : fifth];
            bool active = x2 + 0.3 * Normal(random) > 0;
            yield return string.Create(CultureInfo.InvariantCulture, $"{x1:F4},{x2:F4},{color},{(active ? "true" : "false")},{(anomaly ? 1 : 0)}");
        }
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    [Fact]
    public void EvaluateFindsTheRowsWhoseOnlyOddCellIsTheirCategory()
    {
        Assert.InRange(saved.Figures.GetProperty("auc").GetDouble(), 0.9, 1.0);
        Assert.Equal(4, saved.Figures.GetProperty("features").GetInt32());
    }

    [Fact]
    public void ScoreWritesTheSavedPipelinesScoresReadingTheCategoryAndFlagByName()
    {
        string output = Path.Combine(saved.Folder, "scored.csv");

        var summary = CliProcess.RunForJson(["score", "--model", saved.Model, "--input", saved.Test, "--output", output, "--id", "Label"]);

        Assert.Equal(165, summary.GetProperty("rows").GetInt64());
        var lines = File.ReadAllLines(output);
        Assert.Equal("Label,score,predicted_label,p_value", lines[0]);
        // The scores of ML.NET's own loading of the pipeline on TextLoader's reading of the file: score's blocks hold
        // the same texts and Booleans.
        var ml = new MLContext(seed: 0);
        var pipeline = ml.Model.Load(saved.Model, out _);
        var data = CsvDataset.Load(ml, saved.Test, CsvDataset.LabelColumn, requireLabel: false, SavedPipeline.Load(ml, saved.Model).InputColumns());
        var expected = pipeline.Transform(data.Data).GetColumn<float>("Score").ToArray();
        var scores = lines.Skip(1).Select(line => float.Parse(line.Split(',')[1], CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(expected.Length, scores.Length);
        for (int i = 0; i < scores.Length; i++)
            Assert.Equal(expected[i], scores[i], 4);
    }

    [Fact]
    public void ExplainNamesTheCategoricalColumnForTheAnomalousRows()
    {
        var anomalies = File.ReadLines(saved.Test).Skip(1).Select((line, i) => (Row: i + 1L, Anomaly: line.EndsWith(",1"))).Where(r => r.Anomaly).Select(r => r.Row).ToHashSet();

        var explained = CliProcess.RunForJson(["explain", "--model", saved.Model, "--data", saved.Test, "--top", "1"]);

        var flaggedAnomalies = explained.GetProperty("rows").EnumerateArray().Where(row => anomalies.Contains(row.GetProperty("row").GetInt64())).ToArray();
        Assert.True(flaggedAnomalies.Length >= 12, $"{flaggedAnomalies.Length} of the 15 anomalies flagged.");
        Assert.All(flaggedAnomalies, row => Assert.Equal("color", row.GetProperty("top_features")[0].GetString()));
    }

    [Fact]
    public void ACategoryTheTrainingFileLackedIsNamedByRowColumnAndValue()
    {
        string input = TestFileWith("unseen.csv", row: 3, column: 2, "black");

        var (code, _, error) = CliProcess.Run(["score", "--model", saved.Model, "--input", input, "--output", Path.Combine(saved.Folder, "unused.csv")]);

        Assert.Equal(2, code);
        Assert.Contains("data row 3, column 'color': 'black' is a category the model was not trained on; a model trained with --missing-values Model reads", error);
    }

    [Fact]
    public void ABadBooleanCellIsNamedByRowAndColumnBeforeTraining()
    {
        string test = TestFileWith("bad-flag.csv", row: 5, column: 3, "maybe");

        var (code, _, error) = CliProcess.Run(["evaluate", "--train", saved.Train, "--test", test, "--categorical", "color", "--boolean", "active"]);

        Assert.Equal(2, code);
        Assert.Contains($"{test}: data row 5, column 'active': 'maybe' is not a Boolean (true/false, t/f, yes/no, y/n, 1/0 or +1/-1, in any letter case).", error);
        Assert.DoesNotContain("training", error);
    }

    [Fact]
    public void ScoreNamesABadBooleanCellByRowAndColumnAndSkipBadRowsRejectsItsRowAlone()
    {
        string input = TestFileWith("bad-flag-score.csv", row: 5, column: 3, "maybe");
        string output = Path.Combine(saved.Folder, "bad-flag-scored.csv");

        var (code, _, error) = CliProcess.Run(["score", "--model", saved.Model, "--input", input, "--output", output]);

        Assert.Equal(2, code);
        Assert.Contains($"{input}: data row 5, column 'active': 'maybe' is not a Boolean", error);
        Assert.False(File.Exists(output));

        var summary = CliProcess.RunForJson(["score", "--model", saved.Model, "--input", input, "--output", output, "--skip-bad-rows"]);

        Assert.Equal(164, summary.GetProperty("rows").GetInt64());
        Assert.Equal(1, summary.GetProperty("rejected").GetInt64());
        Assert.StartsWith("5,", File.ReadAllLines(Path.ChangeExtension(output, null) + ".rejects.csv")[1]);
        // The other rows' scores are those of the file without the bad row.
        string reference = Path.Combine(saved.Folder, "bad-flag-reference.csv");
        CliProcess.RunForJson(["score", "--model", saved.Model, "--input", saved.Test, "--output", reference]);
        Assert.Equal(File.ReadAllLines(reference).Where((_, i) => i != 5), File.ReadAllLines(output));
    }

    /// <summary>A copy of the test file named <paramref name="name"/>, with one cell (data row, 0-based column) replaced.</summary>
    private string TestFileWith(string name, int row, int column, string value)
    {
        string path = Path.Combine(saved.Folder, name);
        var lines = File.ReadAllLines(saved.Test);
        lines[row] = string.Join(",", lines[row].Split(',').Select((cell, c) => c == column ? value : cell));
        File.WriteAllLines(path, lines);
        return path;
    }

    [Fact]
    public void AColumnTheTrainingFileLacksIsRefusedNamingTheOption()
    {
        var (code, _, error) = CliProcess.Run(["evaluate", "--train", saved.Train, "--test", saved.Test, "--categorical", "colour"]);

        Assert.Equal(2, code);
        Assert.Contains($"--categorical colour: {saved.Train} has no such column (its columns: x1, x2, color, active, Label).", error);
    }

    [Theory]
    [InlineData("--categorical", "")]
    [InlineData("--boolean", "active,")]
    [InlineData("--ignore", " , ")]
    public void AnEmptyColumnNameIsRefusedBeforeTraining(string option, string names)
    {
        // Before, the empty name was dropped: --categorical "" trained on color as if no column were categorical.
        string saveModel = Path.Combine(saved.Folder, "unused-model.zip");

        var (code, _, error) = CliProcess.Run(["evaluate", "--train", saved.Train, "--test", saved.Test, option, names, "--save-model", saveModel]);

        Assert.NotEqual(0, code);
        Assert.Contains($"{option} '{names}' names an empty column", error);
        Assert.False(File.Exists(saveModel));
    }

    [Fact]
    public void GenerateRefusesAMixedModelNamingItsColumns()
    {
        string output = Path.Combine(saved.Folder, "generated.csv");

        var (code, _, error) = CliProcess.Run(["generate", "--model", saved.Model, "--output", output]);

        Assert.Equal(2, code);
        Assert.Contains("the VAE reads columns of several kinds (Features: 2 × Real; color: 1 × key of 5; active: 1 × Binary); generate writes rows of one column of numbers only.", error);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void TheBooleanSpellingsAreTheOnesTextLoaderReads()
    {
        string path = Path.Combine(saved.Folder, "flags.csv");
        var ml = new MLContext(seed: 0);
        foreach (string cell in BooleanCell.Spellings.Concat(BooleanCell.Spellings.Select(s => s.ToUpperInvariant())).Concat(["maybe", "2", "on", "1.0", "NA"]))
        {
            File.WriteAllLines(path, ["x,flag", $"1,{cell}"]);
            var data = ml.Data.CreateTextLoader([new TextLoader.Column("flag", DataKind.Boolean, 1)], separatorChar: ',', hasHeader: true).Load(path);
            bool[]? values = null;
            bool read = Record.Exception(() => values = data.GetColumn<bool>("flag").ToArray()) is null;
            Assert.True(read == BooleanCell.IsBoolean(cell), $"'{cell}': TextLoader {(read ? "reads" : "refuses")} it.");
            if (read)
                Assert.True(values![0] == BooleanCell.Value(cell), $"'{cell}': TextLoader reads {values[0]}.");
        }
    }
}
