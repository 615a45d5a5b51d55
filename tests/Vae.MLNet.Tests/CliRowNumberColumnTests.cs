using Microsoft.ML;
using Vae.MLNet.Cli;

namespace Vae.MLNet.Tests;

/// <summary>
/// A row number or an identifier in a training file: read as a feature, it makes every new row (numbered beyond the
/// training rows) look anomalous — on cardio, 24.9% of the normal test rows flagged at a promised 10% — so the CLI
/// says so in a note, and <c>evaluate --ignore</c> leaves it out.
/// </summary>
public class CliRowNumberColumnTests
{
    /// <summary>Rows of an id, a measurement and a label; <paramref name="ids"/> gives each row's id.</summary>
    private static string Csv(IEnumerable<int> ids) =>
        "id,x,Label\n" + string.Concat(ids.Select((id, i) => $"{id},{(i * 7 % 5) * 0.5},0\n"));

    private static RowCheck Checked(string csv, out long rows)
    {
        var lines = csv.TrimEnd('\n').Split('\n');
        string[] header = lines[0].Split(',');
        var check = new RowCheck("file.csv", header, [RowCheck.Role.Candidate, RowCheck.Role.Candidate, RowCheck.Role.Label]);
        rows = 0;
        foreach (var line in lines.Skip(1))
            check.Check(++rows, line.Split(',').Select(cell => cell.AsMemory()).ToArray());
        return check;
    }

    [Fact]
    public void AColumnOfWholeNumbersRisingRowByRowCountsAndNoOtherDoes()
    {
        Assert.True(Checked(Csv(Enumerable.Range(1, 12)), out long rows).Counts(0, rows));
        // Ids with gaps, as a database's are, count too.
        Assert.True(Checked(Csv(Enumerable.Range(1, 12).Select(i => 1000 + 3 * i)), out rows).Counts(0, rows));

        var check = Checked(Csv(Enumerable.Range(1, 12)), out rows);
        Assert.False(check.Counts(1, rows));
        Assert.False(check.Counts(2, rows));
        // One id out of order, a repeated one, or too few rows to tell.
        Assert.False(Checked(Csv([1, 2, 3, 5, 4, 6, 7, 8, 9, 10, 11, 12]), out rows).Counts(0, rows));
        Assert.False(Checked(Csv([1, 2, 3, 3, 4, 5, 6, 7, 8, 9, 10, 11]), out rows).Counts(0, rows));
        Assert.False(Checked(Csv(Enumerable.Range(1, RowCheck.CountingRows - 1)), out rows).Counts(0, rows));
    }

    [Fact]
    public void AnIgnoredColumnIsNoFeatureAndOneTheFileLacksIsRefusedNamingIt()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, Csv(Enumerable.Range(1, 12)));
            var ml = new MLContext(seed: 0);

            Assert.Equal(["id", "x"], CsvDataset.Load(ml, path, CsvDataset.LabelColumn, requireLabel: false).FeatureNames);
            Assert.Equal(["x"], CsvDataset.Load(ml, path, CsvDataset.LabelColumn, requireLabel: false, ignored: ["id"]).FeatureNames);
            var error = Assert.Throws<CliException>(() => CsvDataset.Load(ml, path, CsvDataset.LabelColumn, requireLabel: false, ignored: ["key"]));
            Assert.StartsWith($"--ignore key: {path} has no such column", error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
