using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.MLNet;

/// <summary>
/// A block of rows read ahead from a cursor: the values of chosen columns and the row ids, kept so that the rows can
/// be served one by one after the cursor has moved on to the end of the block. As a row, it shows the row at
/// <see cref="Index"/>.
/// </summary>
/// <remarks>
/// Holding the values lets one cursor over the source feed both the scorer, which needs a block of feature vectors
/// at once, and the pass-through columns: the source (a text file, an expensive upstream transform) is read once.
/// </remarks>
internal sealed class RowBlock : DataViewRow
{
    private static readonly MethodInfo CreateColumn = typeof(RowBlock).GetMethod(nameof(Column), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo CreateVectorColumn = typeof(RowBlock).GetMethod(nameof(VectorColumn), BindingFlags.NonPublic | BindingFlags.Static)!;

    private readonly DataViewRow _source;
    private readonly Dictionary<int, StoredColumn> _columns;
    private readonly ValueGetter<DataViewRowId> _idGetter;
    private readonly DataViewRowId[] _ids;
    private readonly long[] _positions;

    /// <summary>A block of up to <paramref name="capacity"/> rows of <paramref name="source"/>'s <paramref name="columns"/>.</summary>
    public RowBlock(DataViewRow source, IEnumerable<DataViewSchema.Column> columns, int capacity)
    {
        _source = source;
        _columns = columns.DistinctBy(c => c.Index).ToDictionary(c => c.Index, c => Store(source, c, capacity));
        _idGetter = source.GetIdGetter();
        _ids = new DataViewRowId[capacity];
        _positions = new long[capacity];
    }

    /// <summary>The row shown, 0-based in the block.</summary>
    public int Index { get; set; }

    public override DataViewSchema Schema => _source.Schema;

    public override long Position => Index < 0 ? -1 : _positions[Index];

    /// <summary>The source position of row <paramref name="row"/> of the block.</summary>
    public long PositionAt(int row) => _positions[row];

    public override long Batch => _source.Batch;

    /// <summary>Keeps the source's current row as row <paramref name="row"/> of the block.</summary>
    public void Keep(int row)
    {
        foreach (var column in _columns.Values)
            column.Keep(row);
        _idGetter(ref _ids[row]);
        _positions[row] = _source.Position;
    }

    public override bool IsColumnActive(DataViewSchema.Column column) => _columns.ContainsKey(column.Index);

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        if (!_columns.TryGetValue(column.Index, out var stored))
            throw new InvalidOperationException($"Column '{column.Name}' was not requested when this cursor was created.");
        return stored.Getter(this) as ValueGetter<TValue>
            ?? throw new InvalidOperationException($"Column '{column.Name}' holds {column.Type}, not {typeof(TValue).Name}.");
    }

    public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) => id = _ids[Index];

    private static StoredColumn Store(DataViewRow source, DataViewSchema.Column column, int capacity)
    {
        var type = column.Type.RawType;
        var create = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(VBuffer<>)
            ? CreateVectorColumn.MakeGenericMethod(type.GetGenericArguments()[0])
            : CreateColumn.MakeGenericMethod(type);
        return (StoredColumn)create.Invoke(null, [source, column, capacity])!;
    }

    private static StoredColumn Column<T>(DataViewRow source, DataViewSchema.Column column, int capacity) =>
        new StoredColumn<T>(source.GetGetter<T>(column), capacity, static (in T kept, ref T value) => value = kept);

    // A vector is copied out: the consumer owns the buffers of the value it passes in, and the block keeps its own.
    private static StoredColumn VectorColumn<T>(DataViewRow source, DataViewSchema.Column column, int capacity) =>
        new StoredColumn<VBuffer<T>>(source.GetGetter<VBuffer<T>>(column), capacity, static (in VBuffer<T> kept, ref VBuffer<T> value) => kept.CopyTo(ref value));

    private abstract class StoredColumn
    {
        public abstract void Keep(int row);

        public abstract Delegate Getter(RowBlock block);
    }

    private delegate void CopyOut<T>(in T kept, ref T value);

    private sealed class StoredColumn<T>(ValueGetter<T> source, int capacity, CopyOut<T> copyOut) : StoredColumn
    {
        // Each slot keeps its value's buffers from block to block, so a vector column allocates only in the first block.
        private readonly T[] _values = new T[capacity];

        public override void Keep(int row) => source(ref _values[row]);

        public override Delegate Getter(RowBlock block) => (ValueGetter<T>)((ref T value) => copyOut(in _values[block.Index], ref value));
    }
}
