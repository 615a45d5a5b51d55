using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.MLNet;

/// <summary>
/// Walks the source with two cursors in step: <c>_rows</c> serves the pass-through columns row by row, while
/// <c>_features</c> reads ahead a block of feature vectors that is scored in one ONNX Runtime call.
/// </summary>
internal sealed class VaeBatchCursor : DataViewRowCursor
{
    private readonly VaeTransformerBase _transformer;
    private readonly DataViewRowCursor _rows;
    private readonly DataViewRowCursor? _features;
    private readonly ValueGetter<VBuffer<float>>? _featureGetter;
    private readonly RowWithOutputs _columns;
    private readonly VaeScoreBatch? _batch;
    private readonly BatchPosition _position;
    private VBuffer<float> _featureValues;
    private int _rowsInBatch;

    public VaeBatchCursor(VaeTransformerBase transformer, IDataView source, DataViewSchema schema,
        DataViewRowCursor rows, IReadOnlyList<(int Index, VaeOutputColumn Column)> outputs)
    {
        _transformer = transformer;
        _rows = rows;
        Schema = schema;
        _position = new BatchPosition(this);
        _columns = new RowWithOutputs(rows);
        if (outputs.Count > 0)
        {
            var featureColumn = source.Schema[transformer.FeatureColumnName];
            _features = source.GetRowCursor(new[] { featureColumn });
            _featureGetter = _features.GetGetter<VBuffer<float>>(featureColumn);
            _batch = new VaeScoreBatch(transformer.Model.InputDimension, transformer.Model.LatentDimension, VaeTransformerBase.DefaultBatchSize,
                VaeTransformerBase.Needs(outputs.Select(o => o.Column)));
            _columns.AddOutputs(outputs, _position);
        }
    }

    public override DataViewSchema Schema { get; }

    public override long Position => _rows.Position;

    public override long Batch => _rows.Batch;

    public override bool MoveNext()
    {
        if (!_rows.MoveNext())
            return false;
        if (_batch != null && ++_position.Index >= _rowsInBatch)
            ScoreNextBlock();
        return true;
    }

    public override bool IsColumnActive(DataViewSchema.Column column) => _columns.IsColumnActive(column);

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => _columns.GetGetter<TValue>(column);

    public override ValueGetter<DataViewRowId> GetIdGetter() => _rows.GetIdGetter();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _rows.Dispose();
            _features?.Dispose();
        }
        base.Dispose(disposing);
    }

    private void ScoreNextBlock()
    {
        var batch = _batch!;
        int width = _transformer.Model.InputDimension;
        int rows = 0;
        while (rows < batch.Capacity && _features!.MoveNext())
        {
            _featureGetter!(ref _featureValues);
            FeatureColumn.CopyChecked(_featureValues, batch.Features.AsSpan(rows * width, width), _transformer.FeatureColumnName, _features.Position);
            rows++;
        }
        _transformer.Scorer.Run(batch, rows);
        _rowsInBatch = rows;
        _position.Index = 0;
    }

    private sealed class BatchPosition(VaeBatchCursor cursor) : ScoredRow
    {
        public int Index = -1;

        public override long Position => cursor.Position;

        public override VaeScoreBatch Current(out int index)
        {
            index = Index;
            return cursor._batch!;
        }
    }
}
