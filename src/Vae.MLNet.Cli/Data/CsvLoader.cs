using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.MLNet.Cli;

/// <summary>
/// The TextLoader of every CSV file the tool reads, and its cursor's one failure that is the file's fault: comma-separated,
/// quoted cells unquoted, and a quoted cell may hold a line break, as RFC 4180 allows (a text column exported from a
/// spreadsheet or a database does). Without <see cref="TextLoader.Options.ReadMultilines"/> TextLoader took each line
/// of such a cell for a row of its own, so a valid file was refused as a row with the wrong number of cells.
/// </summary>
internal static partial class CsvLoader
{
    /// <param name="missingCells">An empty numeric cell reads as NaN (a missing cell) rather than as TextLoader's 0.</param>
    public static TextLoader Create(MLContext ml, bool hasHeader, bool missingCells, TextLoader.Column[] columns) =>
        ml.Data.CreateTextLoader(new TextLoader.Options
        {
            HasHeader = hasHeader,
            Separators = [','],
            AllowQuoting = true,
            ReadMultilines = true,
            MissingRealsAsNaNs = missingCells,
            Columns = columns,
        });

    /// <summary>
    /// Moves <paramref name="cursor"/>, a cursor of <paramref name="path"/> read by <see cref="Create"/>; a quote that is
    /// never closed, after which TextLoader reads the rest of the file as one cell, fails naming the file and the line.
    /// </summary>
    public static bool MoveNext(DataViewRowCursor cursor, string path)
    {
        try
        {
            return cursor.MoveNext();
        }
        catch (FormatException error) when (Innermost(error) is EndOfStreamException unclosed)
        {
            // TextLoader counts lines from 0; a message counts them from 1, as an editor does.
            var line = OpenedOnLine().Match(unclosed.Message) is { Success: true } found && long.TryParse(found.Groups[1].ValueSpan, CultureInfo.InvariantCulture, out long from0)
                ? $"line {from0 + 1:N0} opens a quoted cell" : "a quoted cell is opened";
            throw new CliException($"{path}: {line} that is never closed: a quote (\") starts the cell and no closing quote follows up to the end of the file. " +
                "Close it, or write a quote inside a quoted cell twice (\"\").");
        }
    }

    private static Exception Innermost(Exception error) => error.InnerException is { } inner ? Innermost(inner) : error;

    [GeneratedRegex(@"opened on line (\d+)")]
    private static partial Regex OpenedOnLine();
}
