using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.MLNet;

/// <summary>
/// Walks the source with two cursors in step: <c>_rows</c> serves the pass-through columns row by row, while
/// <see cref="ScoredBlocks"/> reads ahead blocks of feature vectors, each scored in one ONNX Runtime call.
/// </summary>
internal sealed class VaeBatchCursor : DataViewRowCursor
{
    private readonly DataViewRowCursor _rows;
    private readonly ScoredBlocks? _blocks;
    private readonly RowWithOutputs _columns;
    private readonly BatchPosition _position;
    private VaeScoreBatch? _block;
    private int _rowsInBlock;
    private bool _disposed;

    public VaeBatchCursor(VaeTransformerBase transformer, IDataView source, ColumnLayout layout,
        DataViewRowCursor rows, IReadOnlyList<(int Index, VaeOutputColumn Column)> outputs)
    {
        _rows = rows;
        Schema = layout.Schema;
        _position = new BatchPosition(this);
        _columns = new RowWithOutputs(rows, layout);
        if (outputs.Count > 0)
        {
            _blocks = new ScoredBlocks(transformer, source, VaeTransformerBase.Needs(outputs.Select(o => o.Column)));
            _columns.AddOutputs(outputs, _position);
        }
    }

    public override DataViewSchema Schema { get; }

    public override long Position => _rows.Position;

    public override long Batch => _rows.Batch;

    public override bool MoveNext()
    {
        // The source cursors are disposed: reading on would reach whatever they do after their end of life.
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_rows.MoveNext())
            return false;
        if (_blocks != null && ++_position.Index >= _rowsInBlock)
        {
            _rowsInBlock = _blocks.Advance(out _block);
            _position.Index = 0;
        }
        return true;
    }

    public override bool IsColumnActive(DataViewSchema.Column column) => _columns.IsColumnActive(column);

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => _columns.GetGetter<TValue>(column);

    public override ValueGetter<DataViewRowId> GetIdGetter() => _rows.GetIdGetter();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _disposed = true;
            _rows.Dispose();
            _blocks?.Dispose();
        }
        base.Dispose(disposing);
    }

    private sealed class BatchPosition(VaeBatchCursor cursor) : ScoredRow
    {
        public int Index = -1;

        public override long Position => cursor.Position;

        public override VaeScoreBatch Current(out int index)
        {
            index = Index;
            return cursor._block!;
        }
    }
}
