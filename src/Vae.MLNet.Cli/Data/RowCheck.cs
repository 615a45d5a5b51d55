using System.Globalization;

namespace Vae.MLNet.Cli;

/// <summary>
/// Checks one data row of a CSV file against its header: as many cells, a finite single-precision number in every
/// numeric column, and a label of 0 or 1 where one is required. The first bad cell is reported by row and column.
/// </summary>
/// <param name="path">The file, for the message.</param>
/// <param name="header">The column names.</param>
/// <param name="numeric">The columns that must hold numbers.</param>
/// <param name="labelIndex">The column that must hold 0 or 1; -1 for none.</param>
internal sealed class RowCheck(string path, string[] header, int[] numeric, int labelIndex)
{
    /// <summary>The rows checked so far whose label is 1.</summary>
    public long Anomalies { get; private set; }

    /// <param name="row">The data row, counted from 1 after the header.</param>
    /// <param name="cells">Its cells.</param>
    public void Check(long row, ReadOnlyMemory<char>[] cells)
    {
        if (cells.Length != header.Length)
            throw new CliException($"{path}: data row {row} has {cells.Length} cells but the header has {header.Length}.");
        foreach (int c in numeric)
        {
            var cell = cells[c];
            if (!double.TryParse(cell.Span, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
                throw Bad(row, c, cell.Span.Trim().IsEmpty ? "the cell is empty" : $"'{cell}' is not a number");
            if (!double.IsFinite(value))
                throw Bad(row, c, $"'{cell}' is not a finite number");
            // Read as Single, anything beyond its range would become infinity.
            if (Math.Abs(value) > float.MaxValue)
                throw Bad(row, c, $"'{cell}' is beyond the range of a 32-bit float (±3.4e38)");
            if (c == labelIndex && value is not (0 or 1))
                throw Bad(row, c, $"'{cell}' is not 0 or 1 (1 = anomaly, 0 = normal)");
            if (c == labelIndex && value == 1)
                Anomalies++;
        }
    }

    private CliException Bad(long row, int column, string problem) =>
        new($"{path}: data row {row}, column '{header[column]}': {problem}.");
}
