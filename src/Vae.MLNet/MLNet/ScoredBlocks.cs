using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.MLNet;

/// <summary>
/// Reads a source's feature column a block of rows at a time, checks every value, and scores the block in one
/// ONNX Runtime call.
/// </summary>
/// <remarks>
/// Reading the next block on a worker while the cursor serves the current one was measured slower on two cores:
/// ONNX Runtime already uses every core during a run, and a third busy thread stalls its parallel loops
/// (docs/performance.md).
/// </remarks>
internal sealed class ScoredBlocks : IDisposable
{
    private readonly VaeTransformerBase _transformer;
    private readonly DataViewRowCursor _features;
    private readonly ValueGetter<VBuffer<float>> _getter;
    private readonly VaeScoreBatch _block;
    private VBuffer<float> _values;

    public ScoredBlocks(VaeTransformerBase transformer, IDataView source, VaeOutputs needs)
    {
        _transformer = transformer;
        var column = source.Schema[transformer.InputColumnName];
        _features = source.GetRowCursor([column]);
        _getter = _features.GetGetter<VBuffer<float>>(column);
        _block = transformer.CreateBatch(VaeTransformerBase.DefaultBatchSize, needs);
    }

    /// <summary>
    /// Reads and scores the next block and returns its number of rows, 0 past the end. A bad value (NaN, ∞, a wrong
    /// size) stops it with an exception that names its row.
    /// </summary>
    public int Advance(out VaeScoreBatch block)
    {
        int width = _transformer.InputWidth;
        int rows = 0;
        while (rows < _block.Capacity && _features.MoveNext())
        {
            _getter(ref _values);
            FeatureColumn.CopyChecked(_values, _block.Features.AsSpan(rows * width, width), _transformer.InputColumnName, _features.Position);
            rows++;
        }
        _transformer.Run(_block, rows);
        block = _block;
        return rows;
    }

    public void Dispose() => _features.Dispose();
}
