using Microsoft.ML;

namespace Vae.MLNet;

/// <summary>
/// The column lookup of a row that shows its input's columns together with a transformer's outputs, as
/// <paramref name="layout"/> places them: pass-through columns go to the input row, the rest to the output getters
/// made for the requested columns.
/// </summary>
internal sealed class RowWithOutputs(DataViewRow input, ColumnLayout layout)
{
    private readonly Dictionary<int, Delegate> _outputGetters = new();

    /// <summary>Makes the getters of the requested output columns read from <paramref name="scored"/>.</summary>
    public void AddOutputs(IEnumerable<(int Index, VaeOutputColumn Column)> outputs, ScoredRow scored)
    {
        foreach (var (index, column) in outputs)
            _outputGetters[index] = column.MakeGetter(scored);
    }

    public bool IsColumnActive(DataViewSchema.Column column) =>
        layout.InputColumn(column) is { } source ? input.IsColumnActive(source) : _outputGetters.ContainsKey(column.Index);

    public ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        if (layout.InputColumn(column) is { } source)
            return input.GetGetter<TValue>(source);
        if (!_outputGetters.TryGetValue(column.Index, out var getter))
            throw new InvalidOperationException($"Column '{column.Name}' was not requested when this row was created.");
        return getter as ValueGetter<TValue>
            ?? throw new InvalidOperationException($"Column '{column.Name}' holds {column.Type}, not {typeof(TValue).Name}.");
    }
}
