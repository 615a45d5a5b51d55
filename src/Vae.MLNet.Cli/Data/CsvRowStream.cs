using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.MLNet.Cli;

/// <summary>
/// A CSV file read once, a row at a time, in the memory of one row: each data row's cells as text, checked as
/// <see cref="CsvDataset.Load"/> checks a saved pipeline's input (<see cref="RowCheck"/>: as many cells as the header, a
/// finite Single in every column of numbers the pipeline reads, a Boolean or a known category in the others), and a
/// good row's values of those columns, parsed by the same TextLoader as <see cref="CsvDataset"/> so that they are the
/// same values (a Boolean's, by the spellings TextLoader reads, <see cref="BooleanCell"/>).
/// </summary>
internal sealed class CsvRowStream : IDisposable
{
    private const string CellsColumn = "Cells";

    private readonly string _path;
    private readonly RowCheck _check;
    private readonly DataViewRowCursor _cursor;
    private readonly ValueGetter<VBuffer<ReadOnlyMemory<char>>> _cellsGetter;
    private readonly SlotsGetter[] _valueGetters;
    private VBuffer<ReadOnlyMemory<char>> _cells;

    /// <param name="header">The file's header, as <see cref="CsvDataset.ReadHeader"/> read it.</param>
    /// <param name="columns">The pipeline's input columns, matched to the header (<see cref="CsvDataset.Match"/>).</param>
    /// <param name="missingCells">An empty or NaN cell, or an unknown category, is a missing cell (NaN, key 0) rather than a bad row.</param>
    public CsvRowStream(MLContext ml, string path, string[] header, IReadOnlyList<InputColumn> columns, bool missingCells)
    {
        _path = path;
        _check = CsvDataset.Check(path, header, columns, missingCells);
        // A Boolean column is read as text and parsed once the row is checked: TextLoader fails its whole cursor
        // at a cell it cannot read as a Boolean, before the check could name the row or --skip-bad-rows reject it.
        var data = CsvLoader.Create(ml, hasHeader: true, missingCells, [CsvDataset.CellsLoaderColumn(CellsColumn), .. CsvDataset.LoaderColumns(columns, header)
            .Select(column => column.DataKind == DataKind.Boolean ? new TextLoader.Column(column.Name, DataKind.String, column.Source) : column)]).Load(path);
        _cursor = data.GetRowCursor(data.Schema);
        _cellsGetter = _cursor.GetGetter<VBuffer<ReadOnlyMemory<char>>>(data.Schema[CellsColumn]);
        _valueGetters = columns.Select(column => ValueGetter(_cursor, data.Schema[column.Name], column.Kind)).ToArray();
        Cells = new ReadOnlyMemory<char>[header.Length];
    }

    /// <summary>The current row's number, counted from 1 after the header, as <see cref="CsvDataset"/>'s messages count.</summary>
    public long Row { get; private set; }

    /// <summary>The current row's cells, valid until the next <see cref="MoveNext"/>.</summary>
    public ReadOnlyMemory<char>[] Cells { get; private set; }

    /// <summary>What is wrong with the current row, in the words of <c>evaluate</c>'s message; null for a good row.</summary>
    public CliException? Problem { get; private set; }

    /// <summary>Moves to the next data row and checks it; false at the end of the file.</summary>
    public bool MoveNext()
    {
        if (!CsvLoader.MoveNext(_cursor, _path))
            return false;
        Row++;
        _cellsGetter(ref _cells);
        var values = _cells.GetValues();
        // One array for every row of the usual length; a row of another length fails the check.
        if (values.Length != Cells.Length)
            Cells = new ReadOnlyMemory<char>[values.Length];
        values.CopyTo(Cells);
        try
        {
            _check.Check(Row, Cells);
            Problem = null;
        }
        catch (CliException problem)
        {
            Problem = problem;
        }
        return true;
    }

    /// <summary>
    /// Copies the current (good) row's values of the pipeline's input columns, one column after the other, into
    /// <paramref name="row"/> of a <see cref="RowBlock"/> for those columns.
    /// </summary>
    public void CopyValues(RowBlock.Row row)
    {
        int offset = 0, text = 0;
        foreach (var getter in _valueGetters)
            getter(row.Numbers, ref offset, row.Texts, ref text);
    }

    /// <summary>For each categorical column with cells the model reads as missing because it was not trained on their category, a sentence saying so.</summary>
    public IEnumerable<string> UnknownCategories() => _check.UnknownCategories();

    public void Dispose() => _cursor.Dispose();

    /// <summary>Copies a row's value of one column to the numbers at <paramref name="offset"/> or the texts at <paramref name="text"/>, and moves that position past it.</summary>
    private delegate void SlotsGetter(Span<float> numbers, ref int offset, Span<ReadOnlyMemory<char>> texts, ref int text);

    private static SlotsGetter ValueGetter(DataViewRowCursor cursor, DataViewSchema.Column column, VaeInputKind kind)
    {
        if (kind == VaeInputKind.Binary)
        {
            var getter = cursor.GetGetter<ReadOnlyMemory<char>>(column);
            return (Span<float> numbers, ref int offset, Span<ReadOnlyMemory<char>> _, ref int _) =>
            {
                var value = default(ReadOnlyMemory<char>);
                getter(ref value);
                numbers[offset++] = BooleanCell.Value(value.Span) ? 1 : 0;
            };
        }
        if (column.Type is VectorDataViewType vector)
        {
            var getter = cursor.GetGetter<VBuffer<float>>(column);
            var value = default(VBuffer<float>);
            return (Span<float> numbers, ref int offset, Span<ReadOnlyMemory<char>> _, ref int _) =>
            {
                getter(ref value);
                value.CopyTo(numbers.Slice(offset, vector.Size));
                offset += vector.Size;
            };
        }
        if (column.Type is TextDataViewType)
        {
            var getter = cursor.GetGetter<ReadOnlyMemory<char>>(column);
            return (Span<float> _, ref int _, Span<ReadOnlyMemory<char>> texts, ref int text) =>
            {
                var value = default(ReadOnlyMemory<char>);
                getter(ref value);
                // A string of its own: the block keeps it after the loader has moved on to other lines.
                texts[text++] = value.ToString().AsMemory();
            };
        }
        var scalar = cursor.GetGetter<float>(column);
        return (Span<float> numbers, ref int offset, Span<ReadOnlyMemory<char>> _, ref int _) =>
        {
            float value = 0;
            scalar(ref value);
            numbers[offset++] = value;
        };
    }
}
