using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.MLNet;

/// <summary>
/// A cursor over a VAE transformer's output, with one cursor over its source. When outputs are requested,
/// <see cref="ScoredBlocks"/> reads the source a block of rows at a time, scores each block in one ONNX Runtime call and
/// keeps the block's pass-through columns; otherwise the pass-through columns come straight from the source cursor.
/// </summary>
internal sealed class VaeBatchCursor : DataViewRowCursor
{
    private readonly DataViewRowCursor _source;
    private readonly ScoredBlocks? _blocks;
    private readonly RowWithOutputs _columns;
    private long _position = -1;
    private bool _ended;
    private bool _disposed;

    /// <summary>ML.NET's words for a value asked of a cursor before its first row or after its last.</summary>
    internal const string NotOnARow = "Cannot get value as the cursor is not in a good state";

    public VaeBatchCursor(VaeTransformerBase transformer, IDataView source, ColumnLayout layout, IReadOnlyList<DataViewSchema.Column> columnsNeeded)
    {
        Schema = layout.Schema;
        var passThrough = layout.InputColumns(columnsNeeded);
        var outputs = layout.AddedColumns(columnsNeeded);
        if (outputs.Length == 0)
        {
            _source = source.GetRowCursor(passThrough);
            _columns = new RowWithOutputs(_source, layout);
            return;
        }
        _source = source.GetRowCursor(passThrough.Concat(transformer.InputColumnNames.Select(n => source.Schema[n])));
        _blocks = new ScoredBlocks(transformer, _source, passThrough, VaeTransformerBase.Needs(outputs.Select(o => o.Column)));
        _columns = new RowWithOutputs(_blocks.Rows, layout);
        _columns.AddOutputs(outputs, _blocks);
    }

    public override DataViewSchema Schema { get; }

    public override long Position => _position;

    public override long Batch => _source.Batch;

    public override bool MoveNext()
    {
        // The source cursor is disposed: reading on would reach whatever it does after its end of life.
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_ended || !(_blocks?.MoveNext() ?? _source.MoveNext()))
        {
            _ended = true;
            return false;
        }
        _position++;
        return true;
    }

    public override bool IsColumnActive(DataViewSchema.Column column) => _columns.IsColumnActive(column);

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => OnARow(_columns.GetGetter<TValue>(column));

    public override ValueGetter<DataViewRowId> GetIdGetter() => OnARow(_blocks?.Rows.GetIdGetter() ?? _source.GetIdGetter());

    /// <summary>
    /// <paramref name="getter"/>, refusing as ML.NET's cursors do when the cursor is on no row: before, a value asked
    /// before the first row failed with an IndexOutOfRangeException, and one asked after the last was the last row's.
    /// </summary>
    private ValueGetter<TValue> OnARow<TValue>(ValueGetter<TValue> getter) => (ref TValue value) =>
    {
        if (_position < 0 || _ended)
            throw new InvalidOperationException(NotOnARow);
        getter(ref value);
    };

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _disposed = true;
            _source.Dispose();
        }
        base.Dispose(disposing);
    }
}
