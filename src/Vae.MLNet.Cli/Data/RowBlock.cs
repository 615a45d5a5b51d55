using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.MLNet.Cli;

/// <summary>
/// A block of rows in memory, as a pipeline's input: the columns it reads (Singles and known-size vectors of them,
/// Booleans, text), filled row by row and then read through any number of cursors. Refilled for the next block, it lets one
/// transformed view stream a file of any size through a pipeline a block at a time, in the memory of one block.
/// </summary>
internal sealed class RowBlock : IDataView
{
    // A column's first value in a row: of the numbers (Singles, and Booleans as 0 or 1), or of the texts.
    private readonly int[] _offsets;
    private readonly int _width;
    private readonly int _textWidth;
    private readonly float[] _values;
    private readonly ReadOnlyMemory<char>[] _texts;

    /// <param name="columns">The pipeline's input columns, in the order their values lie in a row.</param>
    /// <param name="capacity">The most rows the block holds.</param>
    public RowBlock(IReadOnlyList<InputColumn> columns, int capacity)
    {
        var builder = new DataViewSchema.Builder();
        _offsets = new int[columns.Count];
        foreach (var (column, index) in columns.Select((column, index) => (column, index)))
        {
            builder.AddColumn(column.Name, column.Kind switch
            {
                VaeInputKind.Categorical => TextDataViewType.Instance,
                VaeInputKind.Binary => BooleanDataViewType.Instance,
                _ => column.IsVector ? new VectorDataViewType(NumberDataViewType.Single, column.Headers.Length) : NumberDataViewType.Single,
            });
            if (column.Kind == VaeInputKind.Categorical)
                _offsets[index] = _textWidth++;
            else
            {
                _offsets[index] = _width;
                _width += column.Headers.Length;
            }
        }
        Schema = builder.ToSchema();
        Capacity = capacity;
        _values = new float[capacity * _width];
        _texts = new ReadOnlyMemory<char>[capacity * _textWidth];
    }

    public DataViewSchema Schema { get; }

    /// <summary>The most rows the block holds.</summary>
    public int Capacity { get; }

    /// <summary>The rows it holds now.</summary>
    public int Count { get; private set; }

    /// <summary>
    /// Room for one more row: its numbers (Singles, and Booleans as 0 or 1) and its texts, each the columns' one after
    /// the other; <see cref="Count"/> counts it.
    /// </summary>
    public Row Add()
    {
        if (Count == Capacity)
            throw new InvalidOperationException($"The block holds its {Capacity} rows already.");
        int row = Count++;
        return new Row(_values.AsSpan(row * _width, _width), _texts.AsSpan(row * _textWidth, _textWidth));
    }

    /// <summary>A row's room in the block: its numbers (Singles, and Booleans as 0 or 1) and its texts.</summary>
    public readonly ref struct Row(Span<float> numbers, Span<ReadOnlyMemory<char>> texts)
    {
        public Span<float> Numbers { get; } = numbers;

        public Span<ReadOnlyMemory<char>> Texts { get; } = texts;
    }

    /// <summary>Empties the block for the next rows.</summary>
    public void Clear() => Count = 0;

    /// <summary>Removes the rows <paramref name="rows"/> (indices among <see cref="Count"/>), keeping the others in order.</summary>
    public void Remove(IReadOnlySet<int> rows)
    {
        Compact(_values, _width, Count, rows);
        Compact(_texts, _textWidth, Count, rows);
        Count -= rows.Count;
    }

    /// <summary>
    /// Moves the first <paramref name="count"/> rows of <paramref name="items"/>, <paramref name="width"/> items each, up
    /// over the rows in <paramref name="removed"/>, keeping their order: how a block and the arrays that run beside it
    /// (each row's key cells, its data row) drop the same rows.
    /// </summary>
    public static void Compact<T>(T[] items, int width, int count, IReadOnlySet<int> removed)
    {
        int kept = 0;
        for (int row = 0; row < count; row++)
            if (!removed.Contains(row))
                Array.Copy(items, row * width, items, kept++ * width, width);
    }

    public bool CanShuffle => false;

    public long? GetRowCount() => Count;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) => new Cursor(this);

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => [new Cursor(this)];

    private sealed class Cursor(RowBlock block) : DataViewRowCursor
    {
        private readonly int _count = block.Count;
        private long _position = -1;

        public override DataViewSchema Schema => block.Schema;

        public override long Position => _position;

        public override long Batch => 0;

        public override bool IsColumnActive(DataViewSchema.Column column) => true;

        public override bool MoveNext() => ++_position < _count;

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            int offset = block._offsets[column.Index];
            if (column.Type is TextDataViewType)
                return (ValueGetter<TValue>)(Delegate)(ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> value) =>
                    value = block._texts[(int)_position * block._textWidth + offset]);
            if (column.Type is BooleanDataViewType)
                return (ValueGetter<TValue>)(Delegate)(ValueGetter<bool>)((ref bool value) => value = block._values[(int)_position * block._width + offset] != 0);
            if (column.Type is VectorDataViewType vector)
                return (ValueGetter<TValue>)(Delegate)(ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
                {
                    var editor = VBufferEditor.Create(ref value, vector.Size);
                    block._values.AsSpan((int)_position * block._width + offset, vector.Size).CopyTo(editor.Values);
                    value = editor.Commit();
                });
            return (ValueGetter<TValue>)(Delegate)(ValueGetter<float>)((ref float value) => value = block._values[(int)_position * block._width + offset]);
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() =>
            (ref DataViewRowId id) => id = new DataViewRowId((ulong)_position, 0);
    }
}
