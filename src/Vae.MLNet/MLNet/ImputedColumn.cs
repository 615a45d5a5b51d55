using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.MLNet;

/// <summary>
/// One input column of a model of mixed columns, filled by the imputer: its slots read from the imputation graph's
/// row of filled slots (<see cref="VaeImputeGraph"/>, [F] a row) and written in the column's own type, a Single, a key
/// (the graph's 1 to K) or a Boolean, scalar or vector as <see cref="VaeInputColumn.DataType"/> says. It carries the
/// annotations of the input column it fills (key values, slot names): its values mean what the input's do.
/// </summary>
internal sealed class ImputedColumn : VaeOutputColumn
{
    private readonly VaeInputColumn _column;
    private readonly int _slotOffset;
    private readonly int _rowSlots;

    /// <param name="name">The output column's name.</param>
    /// <param name="source">The input column it fills, whose annotations it carries.</param>
    /// <param name="layout">The model's input columns.</param>
    /// <param name="column">The index of the filled column in <paramref name="layout"/>.</param>
    public ImputedColumn(string name, string source, VaeInputLayout layout, int column)
        : base(name, layout.Columns[column].DataType, VaeOutputs.Reconstruction)
    {
        _column = layout.Columns[column];
        _slotOffset = layout.Columns.Take(column).Sum(c => c.Slots);
        _rowSlots = layout.Features;
        AnnotationsOf = source;
    }

    public override Delegate MakeGetter(ScoredRow row) => _column.Kind switch
    {
        VaeInputKind.Real => Getter(row, value => value),
        VaeInputKind.Binary => Getter(row, value => value != 0),
        _ => Getter(row, value => (uint)value),
    };

    /// <summary>A getter of the column's slots as <typeparamref name="T"/>: a scalar for one slot, a vector otherwise.</summary>
    private Delegate Getter<T>(ScoredRow row, Func<float, T> convert)
    {
        ReadOnlySpan<float> Slots(out int count)
        {
            var batch = row.Current(out int index);
            count = _column.Slots;
            return batch.Reconstruction.AsSpan(index * _rowSlots + _slotOffset, count);
        }
        if (Type is not VectorDataViewType)
            return (ValueGetter<T>)((ref T value) => value = convert(Slots(out _)[0]));
        return (ValueGetter<VBuffer<T>>)((ref VBuffer<T> value) =>
        {
            var slots = Slots(out int count);
            var editor = VBufferEditor.Create(ref value, count);
            for (int s = 0; s < count; s++)
                editor.Values[s] = convert(slots[s]);
            value = editor.Commit();
        });
    }
}
