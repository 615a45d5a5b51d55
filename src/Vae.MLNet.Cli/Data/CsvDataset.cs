using System.Collections.Frozen;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace Vae.MLNet.Cli;

/// <summary>
/// A comma-separated file with a header, loaded with ML.NET's TextLoader: every feature becomes a Single column named
/// by its header (or, for a pipeline that reads a vector, the vector of those columns), a categorical one a text
/// column and a Boolean one a Boolean column of that name, the label the Single column named by its header. Columns are found by name, never by position: the order of the columns in the file does not
/// matter. Quoted cells are unquoted (so "1.5" is a number; "1,5" is one cell and no number) and may hold line breaks (<see cref="CsvLoader"/>), a UTF-8 byte order mark
/// is skipped, blank lines are not rows (TextLoader's rule), a line starting with // (which TextLoader would skip as a
/// comment) is refused (<see cref="CommentLines"/>), and every row is checked
/// before anything is trained on it. Every column is used, or named in a note saying why it is not.
/// </summary>
/// <param name="Path">The file.</param>
/// <param name="Data">The columns read: <see cref="Columns"/>, and the label when it was required.</param>
/// <param name="Columns">The columns a pipeline reads from this file.</param>
/// <param name="LabelName">The label column's name, when the label was required.</param>
/// <param name="ConstantFeatures">The features that hold one value in every row of the file, with that value.</param>
/// <param name="RowCount">The data rows of the file.</param>
internal sealed record CsvDataset(string Path, IDataView Data, InputColumn[] Columns, string? LabelName, IReadOnlyDictionary<string, float> ConstantFeatures, long RowCount)
{
    public const string FeaturesColumn = "Features";
    public const string LabelColumn = "Label";

    private const string CellsColumn = "Cells";

    /// <summary>The CSV columns that make the features, in the model's order: the numbers of the feature vector, then the others.</summary>
    public string[] FeatureNames { get; } = Columns.OrderBy(column => column.Kind != VaeInputKind.Real).SelectMany(column => column.Headers).ToArray();

    /// <summary>The columns of numbers, z-scored and concatenated into <see cref="FeaturesColumn"/>.</summary>
    public InputColumn[] NumberColumns => Columns.Where(column => column.Kind == VaeInputKind.Real).ToArray();

    /// <summary>
    /// The columns the model reads, its main one first: <see cref="FeaturesColumn"/> if there are numbers, then the
    /// categorical (mapped to keys in place) and Boolean columns in the file's order.
    /// </summary>
    public string[] ModelColumnNames =>
        [.. NumberColumns.Length > 0 ? [FeaturesColumn] : Array.Empty<string>(), .. Columns.Where(column => column.Kind != VaeInputKind.Real).Select(column => column.Name)];

    /// <summary>Loads <paramref name="path"/>; fails with one clear message on a file that cannot be used.</summary>
    /// <param name="labelName">The label column: never a feature.</param>
    /// <param name="requireLabel">The file must have the label column, holding 0 (normal) or 1 (anomaly) in every row, and both values.</param>
    /// <param name="columns">
    /// The columns to read, found by name (a training file's features, or a saved pipeline's input); the file's other
    /// columns are not read. Null: every column but the label that holds numbers is a feature.
    /// </param>
    /// <param name="progress">Where to show the rows read, if anywhere.</param>
    /// <param name="missingCells">
    /// An empty or NaN feature cell, and a category the model does not know, is a missing cell (NaN, key 0) rather
    /// than an error.
    /// </param>
    /// <param name="declared">
    /// Without <paramref name="columns"/>: the columns the user declared categorical or Boolean, by name, with the option
    /// that declared them (e.g. <c>--categorical</c>), for its messages.
    /// </param>
    /// <param name="ignored">Without <paramref name="columns"/>: the columns the user left out (<c>--ignore</c>), which are not read.</param>
    public static CsvDataset Load(MLContext ml, string path, string labelName, bool requireLabel, IReadOnlyList<InputColumn>? columns = null, CliProgress? progress = null,
        bool missingCells = false, IReadOnlyDictionary<string, (VaeInputKind Kind, string Option)>? declared = null, IReadOnlyCollection<string>? ignored = null)
    {
        InputFile.CheckReadable(path);
        CommentLines.Refuse(path);
        using var reading = progress?.Begin($"reading {System.IO.Path.GetFileName(path)}", "rows");
        using var rows = Rows(ml, path).GetEnumerator();
        var header = Header(path, rows);
        int labelIndex = Array.IndexOf(header, labelName);
        if (labelIndex < 0 && requireLabel)
            throw new CliException($"{path}: no label column '{labelName}' (columns: {string.Join(", ", header)}).");
        if (columns != null)
            columns = Match(ml, path, header, labelName, columns);
        declared ??= new Dictionary<string, (VaeInputKind, string)>();
        ignored ??= [];
        foreach (var (name, option) in declared.Select(d => (d.Key, d.Value.Option)).Concat(ignored.Select(name => (name, "--ignore"))))
            if (name == labelName || !header.Contains(name))
                throw new CliException(name == labelName
                    ? $"{option} {name}: is the label column of {path}, which is never a feature."
                    : $"{option} {name}: {path} has no such column (its columns: {string.Join(", ", header)}).");

        var roles = columns != null ? Roles(header, columns)
            : header.Select(name => ignored.Contains(name) ? RowCheck.Role.Ignored : declared.TryGetValue(name, out var kind) ? Role(kind.Kind) : RowCheck.Role.Candidate).ToArray();
        // The label is never a feature, unless a saved pipeline reads a column of that name.
        if (labelIndex >= 0 && roles[labelIndex] is RowCheck.Role.Candidate or RowCheck.Role.Ignored)
            roles[labelIndex] = requireLabel ? RowCheck.Role.Label : RowCheck.Role.Ignored;
        var check = new RowCheck(path, header, roles, missingCells, Categories(header, columns));
        long row = 0;
        while (rows.MoveNext())
        {
            check.Check(++row, rows.Current);
            reading?.Report(row);
        }
        if (row == 0)
            throw new CliException($"{path}: no data rows after the header.");
        // Found now rather than by the evaluator, after training.
        if (requireLabel && (check.Anomalies == 0 || check.Anomalies == row))
            throw new CliException($"{path}: label column '{labelName}' is {(check.Anomalies == 0 ? "0 (normal)" : "1 (anomaly)")} in all {row:N0} rows; " +
                "the AUROC needs both normal (0) and anomalous (1) rows.");
        reading?.Report(row);
        reading?.Complete();
        foreach (var note in check.UnknownCategories())
            Note(path, note);

        if (columns == null)
        {
            var text = Enumerable.Range(0, header.Length).Where(c => roles[c] == RowCheck.Role.Candidate && !check.HoldsNumbers(c)).ToArray();
            if (text.Length > 0)
                Note(path, $"{Names(header, text)} {(text.Length == 1 ? "holds" : "hold")} no number, so {(text.Length == 1 ? "is not a feature" : "are not features")}.");
            var features = Enumerable.Range(0, header.Length).Where(c => roles[c] == RowCheck.Role.Candidate && check.HoldsNumbers(c)).ToArray();
            if (features.Length == 0 && declared.Count == 0)
                throw new CliException($"{path}: no numeric feature columns.");
            if (Array.FindIndex(features, c => header[c].Length == 0) is int unnamed and >= 0)
                throw new CliException($"{path}: column {features[unnamed] + 1} holds numbers but has no name in the header; name it or drop it.");
            // A row number read as a feature makes every new row, numbered beyond the training rows, look anomalous.
            if (features.Where(c => check.Counts(c, row)).ToArray() is [_, ..] counting)
                Note(path, $"{Names(header, counting)} {(counting.Length == 1 ? "holds" : "hold")} whole numbers that increase row by row, as a row number or an identifier does; " +
                    $"read as {(counting.Length == 1 ? "a feature, it makes" : "features, they make")} new rows, numbered beyond these, look anomalous. " +
                    $"If {(counting.Length == 1 ? "it is one, train without it" : "they are such, train without them")}: evaluate --ignore {string.Join(",", counting.Select(c => header[c]))}.");
            if (declared.Keys.FirstOrDefault(name => declared[name].Kind == VaeInputKind.Categorical && check.Categories(Array.IndexOf(header, name))!.Count == 0) is string empty)
                throw new CliException($"{path}: column '{empty}' (--categorical) has no category: every cell is empty.");
            columns = Enumerable.Range(0, header.Length).Where(c => features.Contains(c) || declared.ContainsKey(header[c]))
                .Select(c => InputColumn.Scalar(header[c], declared.TryGetValue(header[c], out var kind) ? kind.Kind : VaeInputKind.Real, check.Categories(c))).ToArray();
        }
        else if (Enumerable.Range(0, header.Length).Where(c => roles[c] == RowCheck.Role.Ignored && c != labelIndex).ToArray() is [_, ..] unused)
            Note(path, $"{Names(header, unused)} {(unused.Length == 1 ? "is" : "are")} not read: the model was not trained on {(unused.Length == 1 ? "it" : "them")}.");

        var loaderColumns = LoaderColumns(columns, header).ToList();
        if (requireLabel)
            loaderColumns.Add(new TextLoader.Column(labelName, DataKind.Single, labelIndex));
        // TextLoader reads an empty cell as 0 unless told otherwise; the rows were checked to hold none unless allowed.
        var loader = CsvLoader.Create(ml, hasHeader: true, missingCells, loaderColumns.ToArray());
        var constants = columns.Where(column => !column.IsVector && column.Kind == VaeInputKind.Real)
            .Select(column => (column.Name, Value: check.ConstantValue(Array.IndexOf(header, column.Name))))
            .Where(constant => constant.Value != null).ToDictionary(constant => constant.Name, constant => constant.Value!.Value);
        return new CsvDataset(path, loader.Load(path), columns.ToArray(), requireLabel ? labelName : null, constants, row);
    }

    /// <summary>The column names of <paramref name="path"/>'s header, checked as <see cref="Load"/> checks them.</summary>
    public static string[] ReadHeader(MLContext ml, string path)
    {
        InputFile.CheckReadable(path);
        CommentLines.Refuse(path);
        using var rows = Rows(ml, path).GetEnumerator();
        return Header(path, rows);
    }

    /// <summary>
    /// <paramref name="columns"/>, the columns a saved pipeline reads, matched to the CSV columns of
    /// <paramref name="header"/>; fails naming those the file lacks.
    /// </summary>
    public static InputColumn[] Match(MLContext ml, string path, string[] header, string labelName, IReadOnlyList<InputColumn> columns)
    {
        // A pipeline saved without names for its one input vector (as the CLI saved them before it recorded names):
        // the file's numeric columns, in their order, as long as there are as many.
        if (columns is [{ IsUnnamed: true } unnamedVector])
        {
            var inOrder = Load(ml, path, labelName, requireLabel: false).FeatureNames;
            if (inOrder.Length != unnamedVector.Headers.Length)
                throw new CliException($"{path}: {inOrder.Length} numeric columns ({string.Join(", ", inOrder)}), but the model reads {unnamedVector.Headers.Length} in its column '{unnamedVector.Name}', which records no names to match them by.");
            Note(path, $"the model records no names for its input '{unnamedVector.Name}': the file's numeric columns are read in their order ({string.Join(", ", inOrder)}).");
            columns = [unnamedVector with { Headers = inOrder }];
        }
        if (columns.SelectMany(column => column.Headers).Where(name => !header.Contains(name)).ToArray() is [_, ..] missing)
            throw new CliException($"{path}: no column {string.Join(", ", missing.Select(name => $"'{name}'"))}, which the model reads (the file's columns: {string.Join(", ", header)}).");
        return columns.ToArray();
    }

    /// <summary>
    /// TextLoader columns that read <paramref name="columns"/> from the CSV columns of <paramref name="header"/>: numbers
    /// as Singles, categories as text, Booleans as Booleans.
    /// </summary>
    public static TextLoader.Column[] LoaderColumns(IEnumerable<InputColumn> columns, string[] header) =>
        columns.Select(column => new TextLoader.Column(column.Name, column.Kind switch
        {
            VaeInputKind.Categorical => DataKind.String,
            VaeInputKind.Binary => DataKind.Boolean,
            _ => DataKind.Single,
        }, column.Headers.Select(name => new TextLoader.Range(Array.IndexOf(header, name))).ToArray())).ToArray();

    /// <summary>The check of the rows of a file with <paramref name="header"/> that a pipeline reading <paramref name="columns"/> scores.</summary>
    public static RowCheck Check(string path, string[] header, IReadOnlyList<InputColumn> columns, bool missingCells) =>
        new(path, header, Roles(header, columns), missingCells, Categories(header, columns));

    /// <summary>What each CSV column of <paramref name="header"/> must hold for a pipeline that reads <paramref name="columns"/>.</summary>
    private static RowCheck.Role[] Roles(string[] header, IReadOnlyList<InputColumn> columns) =>
        header.Select(name => columns.FirstOrDefault(column => column.Headers.Contains(name)) is { } read ? Role(read.Kind) : RowCheck.Role.Ignored).ToArray();

    /// <summary>The categories the pipeline knows for each categorical CSV column of <paramref name="header"/>; null entries for the others, or while they are being found.</summary>
    private static FrozenSet<string>?[] Categories(string[] header, IReadOnlyList<InputColumn>? columns) =>
        header.Select(name => columns?.FirstOrDefault(column => column.Headers.Contains(name))?.Categories).ToArray();

    /// <summary>What a CSV column read as <paramref name="kind"/> must hold.</summary>
    private static RowCheck.Role Role(VaeInputKind kind) => kind switch
    {
        VaeInputKind.Categorical => RowCheck.Role.Category,
        VaeInputKind.Binary => RowCheck.Role.Flag,
        _ => RowCheck.Role.Required,
    };

    /// <summary>A TextLoader column holding every cell of a row as text, as TextLoader splits and unquotes them.</summary>
    public static TextLoader.Column CellsLoaderColumn(string name) =>
        new(name, DataKind.String, [new TextLoader.Range(0, null) { AutoEnd = false, VariableEnd = true }]);

    /// <summary>The header, the first of <paramref name="rows"/>: fails on an empty file, one not separated by commas, or names given twice.</summary>
    private static string[] Header(string path, IEnumerator<ReadOnlyMemory<char>[]> rows)
    {
        var header = (rows.MoveNext() ? rows.Current : throw new CliException($"{path}: the file is empty.")).Select(h => h.ToString().Trim()).ToArray();
        if (header is [var only] && only.IndexOfAny([';', '\t', '|']) is int at and >= 0)
            throw new CliException($"{path}: the header has a single column; the file must be comma-separated, and this one looks separated by '{(only[at] == '\t' ? "\\t" : only[at].ToString())}'.");
        // A name given twice would make one of the two columns a feature or the label by position alone.
        if (header.Where(name => name.Length > 0).GroupBy(name => name).FirstOrDefault(names => names.Count() > 1) is { Key: var twice })
            throw new CliException($"{path}: the header names column '{twice}' more than once (columns {string.Join(" and ", header.Select((name, c) => (name, c)).Where(h => h.name == twice).Select(h => h.c + 1))}); rename or drop the copies.");
        return header;
    }

    /// <summary>The columns of numbers as one vector column, <see cref="FeaturesColumn"/>, in the order of <see cref="FeatureNames"/>.</summary>
    public ColumnConcatenatingEstimator FeatureVector(MLContext ml) =>
        ml.Transforms.Concatenate(FeaturesColumn, NumberColumns.Select(column => column.Name).ToArray());

    private static string Names(string[] header, int[] columns) =>
        (columns.Length == 1 ? "column " : "columns ") + string.Join(", ", columns.Select(c => header[c].Length > 0 ? $"'{header[c]}'" : $"{c + 1} (no name)"));

    // On the error stream, so that the last line of the output stays the JSON of the figures.
    public static void Note(string path, string text) => Console.Error.WriteLine($"note: {path}: {text}");

    /// <summary>
    /// The cells of every row, header first, as TextLoader splits and unquotes them: slices of the text it read, so
    /// that checking a row makes no string per cell.
    /// </summary>
    private static IEnumerable<ReadOnlyMemory<char>[]> Rows(MLContext ml, string path)
    {
        var data = CsvLoader.Create(ml, hasHeader: false, missingCells: false, [CellsLoaderColumn(CellsColumn)]).Load(path);
        using var cursor = data.GetRowCursor(data.Schema);
        var getter = cursor.GetGetter<VBuffer<ReadOnlyMemory<char>>>(data.Schema[CellsColumn]);
        var cells = default(VBuffer<ReadOnlyMemory<char>>);
        while (CsvLoader.MoveNext(cursor, path))
        {
            getter(ref cells);
            yield return cells.DenseValues().ToArray();
        }
    }

    /// <summary>Turns a bad value found while training or scoring into a message naming this file's row and column.</summary>
    public CliException Explain(VaeDataException error) => error switch
    {
        { Row: long row, Slot: int slot, ColumnName: FeaturesColumn } => NotFiniteOnceScaled(Path, row + 1, FeatureNames[slot]),
        _ => new CliException($"{Path}: {error.Message}"),
    };

    /// <summary>
    /// The message for a feature cell that the row check passed as a finite number but that reaches the model as ±∞: a
    /// value near a 32-bit float's limit (3.4e38, a common sentinel) overflows it once z-scored, divided by the training
    /// rows' standard deviation. The library's own message would name a slot of <see cref="FeaturesColumn"/> and
    /// advise replacing missing values.
    /// </summary>
    public static CliException NotFiniteOnceScaled(string path, long dataRow, string column) =>
        new($"{path}: data row {dataRow}, column '{column}': the value is beyond the range of a 32-bit float (±3.4e38) once z-scored with the training rows' " +
            "mean and standard deviation; a value this extreme (a sentinel such as 3.4e38?) is no measurement: replace it or drop the row.");

    /// <summary>
    /// The <see cref="VaeDataException"/> behind <paramref name="error"/>, if any: ML.NET's cached and parallel cursors
    /// rethrow what a getter threw inside an InvalidOperationException of their own.
    /// </summary>
    public static VaeDataException? DataError(Exception? error) => error switch
    {
        null => null,
        VaeDataException data => data,
        _ => DataError(error.InnerException),
    };
}
