using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.MLNet;

/// <summary>One column that a VAE transformer adds: its name, its type, what it needs scored, and its getter.</summary>
internal abstract class VaeOutputColumn
{
    protected VaeOutputColumn(string name, DataViewType type, VaeOutputs needs)
    {
        Name = name;
        Type = type;
        Needs = needs;
    }

    public string Name { get; }

    public DataViewType Type { get; }

    /// <summary>The column's annotations (e.g. slot names), or null for none.</summary>
    public DataViewSchema.Annotations? Annotations { get; private init; }

    /// <summary>
    /// The input column whose annotations (key values, slot names) this column carries, as values of the same meaning
    /// (a filled copy of it); null for none. Used in place of <see cref="Annotations"/> when the input has the column.
    /// </summary>
    public string? AnnotationsOf { get; protected init; }

    /// <summary>
    /// The input column whose <c>SlotNames</c> this column carries, slot for slot (a per-feature output of one real
    /// column); null for none. Used in place of <see cref="Annotations"/> when the input has the column with as many
    /// named slots as this column has (<see cref="SlotNamesFrom"/>).
    /// </summary>
    public string? SlotNamesOf { get; private init; }

    /// <summary>The network outputs this column is computed from.</summary>
    public VaeOutputs Needs { get; }

    /// <summary>A getter (<see cref="ValueGetter{TValue}"/> of the column's type) reading from <paramref name="row"/>.</summary>
    public abstract Delegate MakeGetter(ScoredRow row);

    /// <summary>A known-size vector copied from one network output, e.g. the latent mean; with <paramref name="slotNames"/>, ML.NET's <c>SlotNames</c> annotation.</summary>
    public static VaeOutputColumn Vector(string name, VaeOutputs output, int size, string[]? slotNames = null) =>
        new VectorColumn(name, output, size) { Annotations = slotNames is null ? null : SlotNamesAnnotation(slotNames) };

    /// <summary>A known-size vector copied from one network output, one slot per slot of the input column <paramref name="slotNamesOf"/>, whose slot names it carries.</summary>
    public static VaeOutputColumn VectorNamedAs(string name, VaeOutputs output, int size, string slotNamesOf) =>
        new VectorColumn(name, output, size) { SlotNamesOf = slotNamesOf };

    /// <summary>
    /// The <c>SlotNames</c> of <paramref name="origin"/> alone, as annotations of this column, or null when it has none
    /// or names another number of slots.
    /// </summary>
    public DataViewSchema.Annotations? SlotNamesFrom(DataViewSchema.Column origin)
    {
        if (origin.Annotations.Schema.GetColumnOrNull("SlotNames") is not { Type: VectorDataViewType { Size: var named } }
            || Type is not VectorDataViewType { Size: var size } || named != size)
            return null;
        var names = default(VBuffer<ReadOnlyMemory<char>>);
        origin.GetSlotNames(ref names);
        return SlotNamesAnnotation(names.DenseValues().Select(n => n.ToString()).ToArray());
    }

    /// <summary>A scalar copied from one network output, e.g. the score.</summary>
    public static VaeOutputColumn Scalar(string name, VaeOutputs output) => new ScalarColumn(name, output);

    private static DataViewSchema.Annotations SlotNamesAnnotation(string[] slotNames)
    {
        var builder = new DataViewSchema.Annotations.Builder();
        var names = new VBuffer<ReadOnlyMemory<char>>(slotNames.Length, slotNames.Select(n => n.AsMemory()).ToArray());
        builder.Add("SlotNames", new VectorDataViewType(TextDataViewType.Instance, slotNames.Length),
            (ref VBuffer<ReadOnlyMemory<char>> value) => names.CopyTo(ref value));
        return builder.ToAnnotations();
    }

    private sealed class VectorColumn(string name, VaeOutputs output, int size)
        : VaeOutputColumn(name, new VectorDataViewType(NumberDataViewType.Single, size), output)
    {
        public override Delegate MakeGetter(ScoredRow row) => (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
        {
            var batch = row.Current(out int index);
            var editor = VBufferEditor.Create(ref value, size);
            batch.Output(Needs).AsSpan(index * size, size).CopyTo(editor.Values);
            value = editor.Commit();
        });
    }

    private sealed class ScalarColumn(string name, VaeOutputs output)
        : VaeOutputColumn(name, NumberDataViewType.Single, output)
    {
        public override Delegate MakeGetter(ScoredRow row) => (ValueGetter<float>)((ref float value) =>
        {
            var batch = row.Current(out int index);
            value = batch.Output(Needs)[index];
        });
    }
}
