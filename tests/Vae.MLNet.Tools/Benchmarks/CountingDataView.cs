using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.MLNet.Tools;

/// <summary>
/// Passes another IDataView through and counts the rows its cursors read: the cost a downstream transform puts on
/// a text file or an expensive upstream transform.
/// </summary>
internal sealed class CountingDataView(IDataView source) : IDataView
{
    private long _rowsRead;
    private int _cursors;

    /// <summary>Rows read by all cursors opened so far.</summary>
    public long RowsRead => Interlocked.Read(ref _rowsRead);

    /// <summary>Cursors opened so far.</summary>
    public int Cursors => _cursors;

    public DataViewSchema Schema => source.Schema;

    public bool CanShuffle => source.CanShuffle;

    public long? GetRowCount() => source.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new Cursor(this, source.GetRowCursor(columnsNeeded, rand));

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        source.GetRowCursorSet(columnsNeeded, n, rand).Select(cursor => (DataViewRowCursor)new Cursor(this, cursor)).ToArray();

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly CountingDataView _view;
        private readonly DataViewRowCursor _source;

        public Cursor(CountingDataView view, DataViewRowCursor source)
        {
            _view = view;
            _source = source;
            Interlocked.Increment(ref view._cursors);
        }

        public override DataViewSchema Schema => _source.Schema;

        public override long Position => _source.Position;

        public override long Batch => _source.Batch;

        public override bool MoveNext()
        {
            if (!_source.MoveNext())
                return false;
            Interlocked.Increment(ref _view._rowsRead);
            return true;
        }

        public override bool IsColumnActive(DataViewSchema.Column column) => _source.IsColumnActive(column);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => _source.GetGetter<TValue>(column);

        public override ValueGetter<DataViewRowId> GetIdGetter() => _source.GetIdGetter();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                _source.Dispose();
            base.Dispose(disposing);
        }
    }
}
