using Microsoft.ML;

namespace Vae.MLNet;

/// <summary>The lazily scored output of a VAE transformer: the input's columns and the transformer's, as <paramref name="layout"/> places them.</summary>
internal sealed class VaeScoredDataView(VaeTransformerBase transformer, IDataView source, ColumnLayout layout) : IDataView
{
    public DataViewSchema Schema => layout.Schema;

    // Rows keep the source's order so that scores line up with every other column.
    public bool CanShuffle => false;

    public long? GetRowCount() => source.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new VaeBatchCursor(transformer, source, layout, columnsNeeded.ToArray());

    // One cursor: batching already uses the cores through ONNX Runtime's intra-op threads.
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        new[] { GetRowCursor(columnsNeeded, rand) };
}
