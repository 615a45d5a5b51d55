using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.MLNet.Cli;

/// <summary>
/// A comma-separated file with a header, loaded with ML.NET's TextLoader: every numeric column but the label becomes a
/// slot of the <c>Features</c> vector, the label becomes the Single column <c>Label</c>. Quoted cells are unquoted
/// (so "1.5" is a number; "1,5" is one cell and no number), a UTF-8 byte order mark is skipped, blank lines and lines
/// starting with // are not rows (TextLoader's rules), and every row is checked before anything is trained on it.
/// </summary>
internal sealed record CsvDataset(string Path, IDataView Data, string[] FeatureNames, bool HasLabel)
{
    public const string FeaturesColumn = "Features";
    public const string LabelColumn = "Label";

    // Enough rows to tell a text column (no cell is a number) from a numeric one with a bad cell, which is an error.
    private const int SniffRows = 200;

    private const string CellsColumn = "Cells";

    /// <summary>Loads <paramref name="path"/>; fails with one clear message on a file that cannot be used.</summary>
    /// <param name="requireLabel">The file must have the label column, holding 0 (normal) or 1 (anomaly) in every row, and both values.</param>
    /// <param name="progress">Where to show the rows read, if anywhere.</param>
    public static CsvDataset Load(MLContext ml, string path, string labelName, bool requireLabel, string[]? expectedFeatures = null, CliProgress? progress = null)
    {
        InputFile.CheckReadable(path);
        using var reading = progress?.Begin($"reading {System.IO.Path.GetFileName(path)}", "rows");
        using var rows = Rows(ml, path).GetEnumerator();
        var header = (rows.MoveNext() ? rows.Current : throw new CliException($"{path}: the file is empty.")).Select(h => h.ToString().Trim()).ToArray();
        if (header is [var only] && only.IndexOfAny([';', '\t', '|']) is int at and >= 0)
            throw new CliException($"{path}: the header has a single column; the file must be comma-separated, and this one looks separated by '{(only[at] == '\t' ? "\\t" : only[at].ToString())}'.");

        var sniffed = new List<ReadOnlyMemory<char>[]>();
        while (sniffed.Count < SniffRows && rows.MoveNext())
            sniffed.Add(rows.Current);
        if (sniffed.Count == 0)
            throw new CliException($"{path}: no data rows after the header.");
        var numeric = Enumerable.Range(0, header.Length)
            .Where(c => sniffed.Any(row => c < row.Length && double.TryParse(row[c].Span, NumberStyles.Float, CultureInfo.InvariantCulture, out _))).ToArray();

        int labelIndex = Array.IndexOf(header, labelName);
        if (labelIndex < 0 && requireLabel)
            throw new CliException($"{path}: no label column '{labelName}' (columns: {string.Join(", ", header)}).");
        if (labelIndex >= 0 && !numeric.Contains(labelIndex))
            throw new CliException($"{path}: label column '{labelName}' must hold numbers (1 = anomaly, 0 = normal).");
        var features = numeric.Where(c => c != labelIndex).ToArray();
        if (features.Length == 0)
            throw new CliException($"{path}: no numeric feature columns.");
        var featureNames = features.Select(c => header[c]).ToArray();
        if (expectedFeatures != null && !featureNames.SequenceEqual(expectedFeatures))
            throw new CliException($"{path}: feature columns [{string.Join(", ", featureNames)}] differ from the training file's [{string.Join(", ", expectedFeatures)}].");

        var check = new RowCheck(path, header, requireLabel ? [.. features, labelIndex] : features, requireLabel ? labelIndex : -1);
        long row = 0;
        foreach (var cells in sniffed)
            check.Check(++row, cells);
        while (rows.MoveNext())
        {
            check.Check(++row, rows.Current);
            reading?.Report(row);
        }
        // Found now rather than by the evaluator, after training.
        if (requireLabel && (check.Anomalies == 0 || check.Anomalies == row))
            throw new CliException($"{path}: label column '{labelName}' is {(check.Anomalies == 0 ? "0 (normal)" : "1 (anomaly)")} in all {row:N0} rows; " +
                "the AUROC needs both normal (0) and anomalous (1) rows.");
        reading?.Report(row);
        reading?.Complete();

        var columns = new List<TextLoader.Column>
        {
            new(FeaturesColumn, DataKind.Single, features.Select(c => new TextLoader.Range(c)).ToArray()),
        };
        if (labelIndex >= 0)
            columns.Add(new TextLoader.Column(LabelColumn, DataKind.Single, labelIndex));
        var loader = ml.Data.CreateTextLoader(new TextLoader.Options
        {
            HasHeader = true,
            Separators = [','],
            AllowQuoting = true,
            // Every feature cell was checked above; a label that is not required is not used, and may be empty (NaN).
            MissingRealsAsNaNs = true,
            Columns = columns.ToArray(),
        });
        return new CsvDataset(path, loader.Load(path), featureNames, labelIndex >= 0);
    }

    /// <summary>
    /// The cells of every row, header first, as TextLoader splits and unquotes them: slices of the text it read, so
    /// that checking a row makes no string per cell.
    /// </summary>
    private static IEnumerable<ReadOnlyMemory<char>[]> Rows(MLContext ml, string path)
    {
        var data = ml.Data.CreateTextLoader(new TextLoader.Options
        {
            HasHeader = false,
            Separators = [','],
            AllowQuoting = true,
            Columns = [new TextLoader.Column(CellsColumn, DataKind.String, [new TextLoader.Range(0, null) { AutoEnd = false, VariableEnd = true }])],
        }).Load(path);
        using var cursor = data.GetRowCursor(data.Schema);
        var getter = cursor.GetGetter<VBuffer<ReadOnlyMemory<char>>>(data.Schema[CellsColumn]);
        var cells = default(VBuffer<ReadOnlyMemory<char>>);
        while (cursor.MoveNext())
        {
            getter(ref cells);
            yield return cells.DenseValues().ToArray();
        }
    }

    /// <summary>Turns a bad value found while training or scoring into a message naming this file's row and column.</summary>
    public CliException Explain(VaeDataException error) => error switch
    {
        { Row: long row, Slot: int slot } => new CliException($"{Path}: data row {row + 1}, column '{FeatureNames[slot]}': not a finite number."),
        _ => new CliException($"{Path}: {error.Message}"),
    };
}
