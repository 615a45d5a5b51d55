using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.MLNet.Tools;

/// <summary>
/// <see cref="SyntheticData"/> as an IDataView of any length that stores only a pool of generated rows and serves
/// them in turn: ten million rows cost no memory until a consumer stores them, and reading one costs a copy, so
/// what a benchmark measures is the consumer. One column, <see cref="ScoringBenchmark.Column"/>.
/// </summary>
internal sealed class SyntheticDataView(int rows, int dimension, int seed) : IDataView
{
    private const int PoolRows = 65536;
    private readonly SyntheticMatrix _pool = SyntheticData.Matrix(Math.Min(rows, PoolRows), dimension, seed);

    public DataViewSchema Schema { get; } = MakeSchema(dimension);

    public bool CanShuffle => false;

    public long? GetRowCount() => rows;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new Cursor(this, rows);

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private static DataViewSchema MakeSchema(int dimension)
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumn(ScoringBenchmark.Column, new VectorDataViewType(NumberDataViewType.Single, dimension));
        return builder.ToSchema();
    }

    private sealed class Cursor(SyntheticDataView view, int rows) : DataViewRowCursor
    {
        private long _position = -1;

        public override DataViewSchema Schema => view.Schema;

        public override long Position => _position;

        public override long Batch => 0;

        public override bool IsColumnActive(DataViewSchema.Column column) => true;

        public override bool MoveNext()
        {
            if (_position + 1 >= rows)
                return false;
            _position++;
            return true;
        }

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) =>
            (ValueGetter<TValue>)(Delegate)(ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
            {
                var pool = view._pool;
                var editor = VBufferEditor.Create(ref value, pool.Dimension);
                pool.Features.AsSpan((int)(_position % pool.Rows) * pool.Dimension, pool.Dimension).CopyTo(editor.Values);
                value = editor.Commit();
            });

        public override ValueGetter<DataViewRowId> GetIdGetter() =>
            (ref DataViewRowId id) => id = new DataViewRowId((ulong)_position, 0);
    }
}
