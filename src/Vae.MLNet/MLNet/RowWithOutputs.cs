using Microsoft.ML;

namespace Vae.MLNet;

/// <summary>
/// The column lookup of a row that shows its input's columns followed by a transformer's outputs: indices below the
/// input's column count go to the input row, the rest to the output getters made for the requested columns.
/// </summary>
internal sealed class RowWithOutputs(DataViewRow input)
{
    private readonly Dictionary<int, Delegate> _outputGetters = new();

    /// <summary>Makes the getters of the requested output columns read from <paramref name="scored"/>.</summary>
    public void AddOutputs(IEnumerable<(int Index, VaeOutputColumn Column)> outputs, ScoredRow scored)
    {
        foreach (var (index, column) in outputs)
            _outputGetters[index] = column.MakeGetter(scored);
    }

    public bool IsColumnActive(DataViewSchema.Column column) =>
        column.Index < input.Schema.Count ? input.IsColumnActive(input.Schema[column.Index]) : _outputGetters.ContainsKey(column.Index);

    public ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        if (column.Index < input.Schema.Count)
            return input.GetGetter<TValue>(input.Schema[column.Index]);
        if (!_outputGetters.TryGetValue(column.Index, out var getter))
            throw new InvalidOperationException($"Column '{column.Name}' was not requested when this row was created.");
        return getter as ValueGetter<TValue>
            ?? throw new InvalidOperationException($"Column '{column.Name}' holds {column.Type}, not {typeof(TValue).Name}.");
    }
}
