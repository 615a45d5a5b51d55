using Microsoft.ML;

namespace Vae.MLNet;

/// <summary>
/// The output schema of a VAE transformer and where each of its columns comes from, laid out as ML.NET lays out
/// its own transformers' outputs: the input's columns in order, and each added column right after the last column
/// of the same name, which it hides, or at the end if its name is new. A reloaded pipeline, made of ML.NET's
/// components, then has the columns in the same order.
/// </summary>
internal sealed class ColumnLayout
{
    // For each output column: the index of the input column it passes through, or ~i for the i-th added column.
    private readonly int[] _sources;
    private readonly IReadOnlyList<VaeOutputColumn> _added;

    public ColumnLayout(DataViewSchema input, IReadOnlyList<VaeOutputColumn> added)
    {
        Input = input;
        _added = added;
        var sources = Enumerable.Range(0, input.Count).ToList();
        for (int i = 0; i < added.Count; i++)
        {
            int last = sources.FindLastIndex(s => (s >= 0 ? input[s].Name : added[~s].Name) == added[i].Name);
            sources.Insert(last < 0 ? sources.Count : last + 1, ~i);
        }
        _sources = sources.ToArray();
        var builder = new DataViewSchema.Builder();
        foreach (int source in _sources)
        {
            if (source >= 0)
                builder.AddColumn(input[source].Name, input[source].Type, input[source].Annotations);
            else
            {
                var column = added[~source];
                var annotations = column.AnnotationsOf is { } of && input.GetColumnOrNull(of) is { } origin ? origin.Annotations
                    : column.SlotNamesOf is { } named && input.GetColumnOrNull(named) is { } slotted ? column.SlotNamesFrom(slotted) ?? column.Annotations
                    : column.Annotations;
                builder.AddColumn(column.Name, column.Type, annotations);
            }
        }
        Schema = builder.ToSchema();
    }

    /// <summary>The input schema.</summary>
    public DataViewSchema Input { get; }

    /// <summary>The output schema.</summary>
    public DataViewSchema Schema { get; }

    /// <summary>The input column that the output column <paramref name="column"/> passes through; null for an added column.</summary>
    public DataViewSchema.Column? InputColumn(DataViewSchema.Column column) =>
        _sources[column.Index] is int source and >= 0 ? Input[source] : null;

    /// <summary>The input columns that the output columns <paramref name="columns"/> pass through.</summary>
    public DataViewSchema.Column[] InputColumns(IEnumerable<DataViewSchema.Column> columns) =>
        columns.Select(InputColumn).OfType<DataViewSchema.Column>().ToArray();

    /// <summary>The added columns among <paramref name="columns"/>, each with its index in <see cref="Schema"/>.</summary>
    public (int Index, VaeOutputColumn Column)[] AddedColumns(IEnumerable<DataViewSchema.Column> columns) =>
        columns.Where(c => _sources[c.Index] < 0).Select(c => (c.Index, _added[~_sources[c.Index]])).ToArray();
}
