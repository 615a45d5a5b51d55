using System.Collections.Frozen;
using System.Globalization;

namespace Vae.MLNet.Cli;

/// <summary>
/// Checks every data row of a CSV file against its header, one row at a time: as many cells, a finite
/// single-precision number in every column that must hold numbers, a Boolean TextLoader reads in every Boolean column,
/// a category the model knows in every categorical column whose categories are known, and a label of 0 or 1 where one
/// is required. A column that may be a feature holds numbers as soon as one of its cells is a number, anywhere in the
/// file; from then on every cell of it must be one, and its first bad cell, even one before that number, is the error.
/// The first bad cell is reported by row and column name. It also keeps each column's smallest and largest value, and
/// the categories of each categorical column whose categories are not known yet (a training file's).
/// </summary>
/// <param name="path">The file, for the message.</param>
/// <param name="header">The column names.</param>
/// <param name="roles">What each column is.</param>
/// <param name="missingCells">
/// An empty or NaN cell of a feature, and a category the model does not know, is a missing cell
/// (<c>--missing-values Model</c>), not an error.
/// </param>
/// <param name="categories">For each categorical column, the categories the model knows; null (or a null entry) while they are being found.</param>
internal sealed class RowCheck(string path, string[] header, RowCheck.Role[] roles, bool missingCells = false, IReadOnlyList<FrozenSet<string>?>? categories = null)
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

        /// <summary>A category, as text; an empty cell is ML.NET's missing key.</summary>
        Category,

        /// <summary>A Boolean in one of TextLoader's spellings (<see cref="BooleanCell"/>) in every row.</summary>
        Flag,
    }

    // Spellings of a missing value in common exports (R, pandas, Excel, SQL, ARFF), told apart from other text so that
    // the message says what they are. No cell is imputed: the CLI needs a number in every feature cell.
    private static readonly string[] MissingValues = ["NA", "N/A", "#N/A", "NaN", "null", "None", "?", "-"];

    // A number as TextLoader reads it: blanks may follow it but none may lead (TextLoader drops the spaces before an
    // unquoted cell, not a tab nor the blanks inside quotes), else it reads NaN, which would be a missing cell.
    private const NumberStyles Number = NumberStyles.Float & ~NumberStyles.AllowLeadingWhite;

    // How a label is spelt, for the messages about one that is not.
    private const string LabelValues = "a label is 1 (anomaly) or 0 (normal)";

    private readonly bool[] holdsNumbers = roles.Select(role => role is Role.Required or Role.Label).ToArray();
    private readonly CliException?[] firstBadCell = new CliException?[header.Length];
    private readonly float[] smallest = Enumerable.Repeat(float.PositiveInfinity, header.Length).ToArray();
    private readonly float[] largest = Enumerable.Repeat(float.NegativeInfinity, header.Length).ToArray();
    private readonly HashSet<string>?[] found = roles.Select((role, c) => role == Role.Category && categories?[c] is null ? new HashSet<string>() : null).ToArray();
    private readonly (long Cells, long FirstRow, string FirstValue)[] unknown = new (long, long, string)[header.Length];
    // Whether every cell so far is a whole number above the one of the row before, as in a row number or an identifier.
    private readonly bool[] counting = Enumerable.Repeat(true, header.Length).ToArray();
    private readonly double[] previous = Enumerable.Repeat(double.NegativeInfinity, header.Length).ToArray();

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
            if (roles[c] == Role.Category)
            {
                anyFeatureObserved |= CheckCategory(row, c, cell);
                continue;
            }
            if (roles[c] == Role.Flag)
            {
                if (!BooleanCell.IsBoolean(cell.Span))
                    throw Bad(row, c, cell.IsEmpty
                        ? "the cell is empty, and a Boolean has no missing value (declare the column --categorical to let --missing-values Model read an empty cell as a missing one)"
                        : $"'{cell}' is not a Boolean ({BooleanCell.Described})");
                anyFeatureObserved = true;
                continue;
            }
            // .NET's parser skips NUL characters after a number, TextLoader does not: it reads such a cell as NaN, which a
            // model trained with --missing-values Model takes for a missing cell. So the cell is no number.
            double value = 0;
            if (cell.Span.Contains('\0') || !double.TryParse(cell.Span, Number, CultureInfo.InvariantCulture, out value) || double.IsNaN(value))
            {
                // Neither a number nor text: a column of missing cells only is no feature, as one of text is not.
                if (missingCells && roles[c] != Role.Label && (cell.Span.Trim().IsEmpty || double.IsNaN(value)))
                {
                    counting[c] = false;
                    continue;
                }
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
            // Read as Single, anything beyond its range would become infinity; float.MaxValue written out
            // (3.4028235e38) is a little above it as a double, and reads as itself.
            if (float.IsInfinity((float)value))
                throw Bad(row, c, $"'{cell}' is beyond the range of a 32-bit float (±3.4e38)");
            if (roles[c] == Role.Label && value is not (0 or 1))
                throw Bad(row, c, $"'{cell}' is no label: {LabelValues}, and the tool reads no other value");
            counting[c] &= value > previous[c] && value == Math.Floor(value);
            previous[c] = value;
            smallest[c] = Math.Min(smallest[c], (float)value);
            largest[c] = Math.Max(largest[c], (float)value);
            if (roles[c] == Role.Label && value == 1)
                Anomalies++;
            anyFeatureObserved |= roles[c] != Role.Label;
        }
        // Said here, by the file's row number, rather than by the library's row position when training or scoring meets it.
        if (missingCells && !anyFeatureObserved && roles.Any(role => role is Role.Required or Role.Candidate or Role.Category))
            throw new CliException($"{path}: data row {row}: every feature cell is empty or NaN, which leaves the model nothing to encode or score; drop the row.");
    }

    /// <summary>Whether <paramref name="column"/> must hold, or was found to hold, numbers.</summary>
    public bool HoldsNumbers(int column) => holdsNumbers[column];

    /// <summary>
    /// Whether <paramref name="column"/> holds, in every one of at least <see cref="CountingRows"/> rows checked, a whole
    /// number above the row before's: a row number or an identifier, most likely, which as a feature makes every new
    /// row (numbered beyond the training rows) look anomalous.
    /// </summary>
    public bool Counts(int column, long rows) => rows >= CountingRows && counting[column] && holdsNumbers[column];

    /// <summary>The fewest rows in which a column must count (<see cref="Counts"/>) to be said to: fewer may do so by chance.</summary>
    public const int CountingRows = 10;

    /// <summary>The one value <paramref name="column"/> holds in every row checked, as a Single; null if it holds two or more.</summary>
    public float? ConstantValue(int column) => smallest[column] == largest[column] ? smallest[column] : null;

    /// <summary>The categories found in categorical <paramref name="column"/>, whose categories were not known; null for any other column.</summary>
    public FrozenSet<string>? Categories(int column) => found[column]?.ToFrozenSet();

    /// <summary>
    /// For each categorical column with categories the model does not know, read as missing cells: how many, and the
    /// first, as a sentence.
    /// </summary>
    public IEnumerable<string> UnknownCategories() =>
        unknown.Select((u, c) => u.Cells == 0 ? null
            : $"column '{header[c]}': {u.Cells:N0} {(u.Cells == 1 ? "cell holds a category" : "cells hold categories")} the model was not trained on " +
              $"(the first, data row {u.FirstRow}: '{u.FirstValue}'), read as missing cells: the score leaves them out rather than counting them against the row.").OfType<string>();

    /// <summary>Checks a cell of categorical <paramref name="column"/>; whether it is an observed category (not a missing cell).</summary>
    private bool CheckCategory(long row, int column, ReadOnlyMemory<char> cell)
    {
        // TextLoader drops a cell's leading blanks, and MapValueToKey maps the empty text to the missing key, 0.
        if (cell.IsEmpty)
            return missingCells ? false : throw Bad(row, column, $"the cell is empty{MissingCellAdvice(column)}");
        if (categories?[column] is { } known)
        {
            if (known.GetAlternateLookup<ReadOnlySpan<char>>().Contains(cell.Span))
                return true;
            // MapValueToKey maps a value it was not fitted on to the missing key too.
            if (!missingCells)
                throw Bad(row, column, $"'{cell}' is a category the model was not trained on{MissingCellAdvice(column)}");
            var (cells, firstRow, firstValue) = unknown[column];
            unknown[column] = cells == 0 ? (1, row, cell.ToString()) : (cells + 1, firstRow, firstValue);
            return false;
        }
        var values = found[column]!;
        var lookup = values.GetAlternateLookup<ReadOnlySpan<char>>();
        if (!lookup.Contains(cell.Span))
        {
            // Said now, rather than by the trainer after the file is read: each category is one softmax output of the model.
            if (values.Count == VaeInputColumn.MaximumCategories)
                throw Bad(row, column, $"'{cell}' is the column's {VaeInputColumn.MaximumCategories + 1:N0}th distinct value, and a categorical column may hold at most " +
                    $"{VaeInputColumn.MaximumCategories:N0}: group rare values, or leave an identifier-like column out of --categorical");
            lookup.Add(cell.Span);
        }
        return true;
    }

    private CliException NotANumber(long row, int column, ReadOnlyMemory<char> cell)
    {
        string text = cell.Span.Trim().ToString();
        // A label is no feature: "is not a number" or "every cell of a feature must hold a number" would not say how
        // labels are spelt, which is what a file labelled "yes"/"no" or "anomaly"/"normal" must be recoded to.
        bool label = roles[column] == Role.Label;
        return Bad(row, column, text.Length == 0 ? label ? $"the cell is empty: {LabelValues} in every row" : $"the cell is empty{MissingCellAdvice(column)}"
            : MissingValues.Contains(text, StringComparer.OrdinalIgnoreCase)
                ? label ? $"'{cell}' is a missing value: {LabelValues} in every row (drop the rows without one)"
                : missingCells
                    ? $"'{cell}' is a missing value in a spelling the model does not read as one: leave the cell empty or write NaN"
                    : $"'{cell}' is a missing value, and every cell of a feature must hold a number (fill or drop such rows{MissingCellAdvice(column)})"
                : cell.Span.Contains('\0')
                    ? $"'{cell.ToString().Replace("\0", "\\0")}' holds a NUL character (\\0), which ML.NET's TextLoader does not read as part of a number; remove it"
                : char.IsWhiteSpace(cell.Span[0]) && double.TryParse(text, Number, CultureInfo.InvariantCulture, out _)
                    ? $"'{cell}' starts with a blank (a tab, or a space inside quotes), which ML.NET's TextLoader does not read as part of a number; remove it"
                : label ? $"'{cell}' is no label: {LabelValues}, and the tool reads no other spelling"
                    : $"'{cell}' is not a number");
    }

    /// <summary>For a feature, how to let a model handle its empty cells (and unknown categories): train it with
    /// --missing-values Model (evaluate), and the commands that use it (score, explain) read such cells as missing.</summary>
    private string MissingCellAdvice(int column) =>
        missingCells ? "" : roles[column] == Role.Category
            ? "; a model trained with --missing-values Model reads an empty cell, or a category it was not trained on, as a missing cell"
            : "; a model trained with --missing-values Model reads an empty or NaN cell as a missing cell";

    private CliException Bad(long row, int column, string problem) =>
        new($"{path}: data row {row}, column '{header[column]}': {problem}.");
}
