using System.Text;
using Microsoft.ML;
using Vae.MLNet.Cli;

namespace Vae.MLNet.Tests;

/// <summary>
/// A CSV row whose first cell starts with <c>//</c> (a path, a protocol-relative URL): ML.NET's TextLoader skips its
/// line as a comment, so it used to be left out of training, of the test figures and of <c>score</c>'s output (a
/// file of such ids scored 0 rows, exit code 0). It is refused, naming its line.
/// </summary>
public class CliCommentLineTests
{
    private static string Write(string text)
    {
        string path = Path.GetTempFileName();
        File.WriteAllBytes(path, Encoding.UTF8.GetBytes(text));
        return path;
    }

    [Theory]
    [InlineData("url,x\n//host/a,1\n/b,2\n", 2)]
    [InlineData("url,x\r\n/a,1\r\n//host/b,2\r\n", 3)]
    [InlineData("\uFEFF// exported\nurl,x\n/a,1\n", 1)]
    [InlineData("// exported\nurl,x\n/a,1\n", 1)]
    [InlineData("url,x\n\n\n//b,2\n", 4)]
    public void ALineStartingWithTwoSlashesIsRefusedNamingIt(string csv, int line)
    {
        string path = Write(csv);
        try
        {
            var ml = new MLContext(seed: 0);
            foreach (var read in new Action[] { () => CsvDataset.Load(ml, path, CsvDataset.LabelColumn, requireLabel: false), () => CsvDataset.ReadHeader(ml, path) })
            {
                var error = Assert.Throws<CliException>(read);
                Assert.StartsWith($"{path}: line {line} starts with //", error.Message);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void SlashesTextLoaderReadsAsACellAreAccepted()
    {
        // A blank or a quote before the slashes: TextLoader reads the line as a row.
        string path = Write("url,x\n //a,1\n\"//b\",2\n/c,3\n");
        try
        {
            var data = CsvDataset.Load(new MLContext(seed: 0), path, CsvDataset.LabelColumn, requireLabel: false);
            Assert.Equal(3, data.RowCount);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(0, (1 << 19) - 1)]
    [InlineData(1, (1 << 19) - 1)]
    [InlineData(0, 1 << 19)]
    [InlineData(1, 1 << 19)]
    public void ALineAcrossTheBoundaryOfTwoChunksIsFoundAndNamedByItsNumber(int prefix, int lines)
    {
        // Lines "a\n" after a first one `prefix` bytes longer: the "\n" before the slashes lies 2^20 − 3, −2, −1 or 0
        // bytes in, so that "\n//" falls before, across and after the 1 MiB chunks the scan reads.
        string path = Write(new string('b', prefix) + string.Concat(Enumerable.Repeat("a\n", lines)) + "//x\n");
        try
        {
            var error = Assert.Throws<CliException>(() => CommentLines.Refuse(path));
            Assert.StartsWith($"{path}: line {lines + 1:N0} starts with //", error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
