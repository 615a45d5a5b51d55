using Microsoft.ML;
using Microsoft.ML.Data;
using Vae.MLNet.Cli;

namespace Vae.MLNet.Tests;

/// <summary>
/// The CLI's check of a number cell and ML.NET's TextLoader, which reads the value afterwards, agree: a cell the check
/// lets through is read as the number it spells, never as NaN (which training refuses without naming the file's row,
/// and which a model trained with <c>--missing-values Model</c> would take for a missing cell, silently).
/// </summary>
public class CliNumberCellTests
{
    /// <summary>1.5 spelt with blanks around it, as a CSV file may hold it (a quoted cell keeps its blanks).</summary>
    public static TheoryData<string, bool> Spellings => new()
    {
        { "1.5", true },
        { " 1.5", true },
        { "1.5 ", true },
        { "1.5\t", true },
        { "\"1.5 \"", true },
        { "\t1.5", false },
        { "\" 1.5\"", false },
        { "\"\t1.5\"", false },
    };

    [Theory]
    [MemberData(nameof(Spellings))]
    public void ACellTheCheckAcceptsIsReadAsItsNumberAndOneWithALeadingBlankIsRefusedNamingIt(string cell, bool readable)
    {
        foreach (bool missingCells in new[] { false, true })
        {
            string path = Path.GetTempFileName();
            try
            {
                File.WriteAllText(path, $"f0,f1,Label\n{cell},2,0\n3,4,1\n");
                var ml = new MLContext(seed: 0);

                if (readable)
                {
                    var data = CsvDataset.Load(ml, path, CsvDataset.LabelColumn, requireLabel: true, missingCells: missingCells).Data;
                    Assert.Equal([1.5f, 3f], data.GetColumn<float>("f0").ToArray());
                }
                else
                {
                    var error = Assert.Throws<CliException>(() => CsvDataset.Load(ml, path, CsvDataset.LabelColumn, requireLabel: true, missingCells: missingCells));
                    Assert.Contains($"{path}: data row 1, column 'f0':", error.Message);
                    Assert.Contains("starts with a blank", error.Message);
                }
            }
            finally
            {
                File.Delete(path);
            }
        }
    }

    [Theory]
    [InlineData("1.5\0")]
    [InlineData("1.5 \0\0")]
    [InlineData("\"1.5\0\"")]
    public void ANumberFollowedByANulCharacterIsRefusedNamingItRatherThanReadAsAMissingCell(string cell)
    {
        // .NET's parser accepts the cell as 1.5; TextLoader reads NaN: an error naming no row, or a missing cell.
        foreach (bool missingCells in new[] { false, true })
        {
            string path = Path.GetTempFileName();
            try
            {
                File.WriteAllText(path, $"f0,f1,Label\n3,4,1\n{cell},2,0\n");

                var error = Assert.Throws<CliException>(() => CsvDataset.Load(new MLContext(seed: 0), path, CsvDataset.LabelColumn, requireLabel: true, missingCells: missingCells));

                Assert.StartsWith($"{path}: data row 2, column 'f0': '1.5", error.Message);
                Assert.EndsWith("\\0' holds a NUL character (\\0), which ML.NET's TextLoader does not read as part of a number; remove it.", error.Message);
            }
            finally
            {
                File.Delete(path);
            }
        }
    }

    [Theory]
    [InlineData("NA")]
    [InlineData("?")]
    public void UnderMissingValuesModelAMissingValueSpeltOtherwiseIsRefusedSayingHowToSpellIt(string cell)
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, $"f0,f1\n1,2\n{cell},4\n");

            var error = Assert.Throws<CliException>(() => CsvDataset.Load(new MLContext(seed: 0), path, CsvDataset.LabelColumn, requireLabel: false, missingCells: true));

            // Not "every cell of a feature must hold a number", which is not so for this model.
            Assert.Equal($"{path}: data row 2, column 'f0': '{cell}' is a missing value in a spelling the model does not read as one: leave the cell empty or write NaN.", error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ALabelWithALeadingBlankIsRefusedRatherThanReadAsNormal()
    {
        string path = Path.GetTempFileName();
        try
        {
            // TextLoader would read the label " 1" as NaN, which is not above 0: an anomaly counted as a normal row.
            File.WriteAllText(path, "f0,Label\n1,0\n2,\" 1\"\n");

            var error = Assert.Throws<CliException>(() => CsvDataset.Load(new MLContext(seed: 0), path, CsvDataset.LabelColumn, requireLabel: true));

            Assert.Contains($"{path}: data row 2, column 'Label':", error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
