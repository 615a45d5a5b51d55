using Microsoft.ML;

namespace Vae.MLNet;

/// <summary>The lazily scored output of a VAE transformer: the input's columns followed by the transformer's.</summary>
internal sealed class VaeScoredDataView(VaeTransformerBase transformer, IDataView source, DataViewSchema schema) : IDataView
{
    public DataViewSchema Schema => schema;

    // Rows keep the source's order so that scores line up with every other column.
    public bool CanShuffle => false;

    public long? GetRowCount() => source.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var needed = columnsNeeded.ToArray();
        int inputCount = source.Schema.Count;
        var passThrough = needed.Where(c => c.Index < inputCount).Select(c => source.Schema[c.Index]);
        var outputs = needed.Where(c => c.Index >= inputCount)
            .Select(c => (c.Index, Column: transformer.OutputColumns[c.Index - inputCount]))
            .ToArray();
        return new VaeBatchCursor(transformer, source, schema, source.GetRowCursor(passThrough), outputs);
    }

    // One cursor: batching already uses the cores through ONNX Runtime's intra-op threads.
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        new[] { GetRowCursor(columnsNeeded, rand) };
}
