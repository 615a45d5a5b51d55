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

    /// <summary>The network outputs this column is computed from.</summary>
    public VaeOutputs Needs { get; }

    /// <summary>A getter (<see cref="ValueGetter{TValue}"/> of the column's type) reading from <paramref name="row"/>.</summary>
    public abstract Delegate MakeGetter(ScoredRow row);

    /// <summary>A known-size vector copied from one network output, e.g. the latent mean.</summary>
    public static VaeOutputColumn Vector(string name, VaeOutputs output, int size) => new VectorColumn(name, output, size);

    /// <summary>A scalar copied from one network output, e.g. the score.</summary>
    public static VaeOutputColumn Scalar(string name, VaeOutputs output) => new ScalarColumn(name, output);

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
