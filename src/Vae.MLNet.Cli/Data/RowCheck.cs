using System.Globalization;

namespace Vae.MLNet.Cli;

/// <summary>
/// Checks every data row of a CSV file against its header, one row at a time: as many cells, a finite
/// single-precision number in every column that must hold numbers, and a label of 0 or 1 where one is required. A
/// column that may be a feature holds numbers as soon as one of its cells is a number, anywhere in the file; from then
/// on every cell of it must be one, and its first bad cell, even one before that number, is the error. The first bad
/// cell is reported by row and column name. It also keeps each column's smallest and largest value.
/// </summary>
/// <param name="path">The file, for the message.</param>
/// <param name="header">The column names.</param>
/// <param name="roles">What each column is.</param>
/// <param name="missingCells">An empty or NaN cell of a feature is a missing cell (<c>--missing-values Model</c>), not an error.</param>
internal sealed class RowCheck(string path, string[] header, RowCheck.Role[] roles, bool missingCells = false)
{
    /// <summary>What a column of the file is, and so what its cells must hold.</summary>
    public enum Role
    {
        /// <summary>Not read: its cells are not checked.</summary>
        Ignored,

        /// <summary>A feature if it holds a number anywhere; else a column of text, not read.</summary>
        Candidate,

        /// <summary>A number in every row.</summary>
        Required,

        /// <summary>0 or 1 in every row.</summary>
        Label,
    }

    // Spellings of a missing value in common exports (R, pandas, Excel, SQL, ARFF), told apart from other text so that
    // the message says what they are. No cell is imputed: the CLI needs a number in every feature cell.
    private static readonly string[] MissingValues = ["NA", "N/A", "#N/A", "NaN", "null", "None", "?", "-"];

    private readonly bool[] holdsNumbers = roles.Select(role => role is Role.Required or Role.Label).ToArray();
    private readonly CliException?[] firstBadCell = new CliException?[header.Length];
    private readonly float[] smallest = Enumerable.Repeat(float.PositiveInfinity, header.Length).ToArray();
    private readonly float[] largest = Enumerable.Repeat(float.NegativeInfinity, header.Length).ToArray();

    /// <summary>The rows checked so far whose label is 1.</summary>
    public long Anomalies { get; private set; }

    /// <param name="row">The data row, counted from 1 after the header.</param>
    /// <param name="cells">Its cells.</param>
    public void Check(long row, ReadOnlyMemory<char>[] cells)
    {
        if (cells.Length != header.Length)
            throw new CliException($"{path}: data row {row} has {cells.Length} cells but the header has {header.Length}.");
        bool anyFeatureObserved = false;
        for (int c = 0; c < cells.Length; c++)
        {
            if (roles[c] == Role.Ignored)
                continue;
            var cell = cells[c];
            if (!double.TryParse(cell.Span, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || double.IsNaN(value))
            {
                // Neither a number nor text: a column of missing cells only is no feature, as one of text is not.
                if (missingCells && roles[c] != Role.Label && (cell.Span.Trim().IsEmpty || double.IsNaN(value)))
                    continue;
                // Text: an error in a column of numbers, else remembered in case a number shows up later in the column.
                if (holdsNumbers[c])
                    throw NotANumber(row, c, cell);
                firstBadCell[c] ??= NotANumber(row, c, cell);
                continue;
            }
            if (!holdsNumbers[c])
            {
                holdsNumbers[c] = true;
                if (firstBadCell[c] is { } earlier)
                    throw earlier;
            }
            if (!double.IsFinite(value))
                throw Bad(row, c, $"'{cell}' is not a finite number");
            // Read as Single, anything beyond its range would become infinity.
            if (Math.Abs(value) > float.MaxValue)
                throw Bad(row, c, $"'{cell}' is beyond the range of a 32-bit float (±3.4e38)");
            if (roles[c] == Role.Label && value is not (0 or 1))
                throw Bad(row, c, $"'{cell}' is not 0 or 1 (1 = anomaly, 0 = normal)");
            smallest[c] = Math.Min(smallest[c], (float)value);
            largest[c] = Math.Max(largest[c], (float)value);
            if (roles[c] == Role.Label && value == 1)
                Anomalies++;
            anyFeatureObserved |= roles[c] != Role.Label;
        }
        // Said here, by the file's row number, rather than by the library's row position when training or scoring meets it.
        if (missingCells && !anyFeatureObserved && roles.Any(role => role is Role.Required or Role.Candidate))
            throw new CliException($"{path}: data row {row}: every feature cell is empty or NaN, which leaves the model nothing to encode or score; drop the row.");
    }

    /// <summary>Whether <paramref name="column"/> must hold, or was found to hold, numbers.</summary>
    public bool HoldsNumbers(int column) => holdsNumbers[column];

    /// <summary>The one value <paramref name="column"/> holds in every row checked, as a Single; null if it holds two or more.</summary>
    public float? ConstantValue(int column) => smallest[column] == largest[column] ? smallest[column] : null;

    private CliException NotANumber(long row, int column, ReadOnlyMemory<char> cell)
    {
        string text = cell.Span.Trim().ToString();
        return Bad(row, column, text.Length == 0 ? $"the cell is empty{MissingCellAdvice(column)}"
            : MissingValues.Contains(text, StringComparer.OrdinalIgnoreCase)
                ? $"'{cell}' is a missing value, and every cell of a feature must hold a number (fill or drop such rows{MissingCellAdvice(column)})"
                : $"'{cell}' is not a number");
    }

    /// <summary>For a feature, how to let a model handle its empty cells: train it with --missing-values Model (evaluate),
    /// and the commands that use it (score, explain) read such cells as missing.</summary>
    private string MissingCellAdvice(int column) =>
        missingCells || roles[column] == Role.Label ? "" : "; a model trained with --missing-values Model reads an empty or NaN cell as a missing cell";

    private CliException Bad(long row, int column, string problem) =>
        new($"{path}: data row {row}, column '{header[column]}': {problem}.");
}
