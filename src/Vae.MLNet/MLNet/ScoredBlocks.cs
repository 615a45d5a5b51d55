using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.MLNet;

/// <summary>
/// Reads a source cursor a block of rows at a time: checks every feature vector and scores the block in one ONNX
/// Runtime call, and keeps the block's pass-through columns in a <see cref="RowBlock"/>, so that the source is read
/// once. Then serves the block's rows one by one.
/// </summary>
/// <remarks>
/// Reading the next block on a worker while the cursor serves the current one was measured slower on two cores:
/// ONNX Runtime already uses every core during a run, and a third busy thread stalls its parallel loops
/// (docs/performance.md).
/// </remarks>
internal sealed class ScoredBlocks : ScoredRow
{
    private readonly VaeTransformerBase _transformer;
    private readonly DataViewRowCursor _source;
    private readonly FeatureRowReader _features;
    private readonly VaeScoreBatch _block;
    private int _rowsInBlock;
    private bool _sourceEnded;

    /// <param name="transformer">The transformer that scores the blocks.</param>
    /// <param name="source">A cursor over the input columns and <paramref name="passThrough"/>; this reads it from the start.</param>
    /// <param name="passThrough">The source columns to keep for <see cref="Rows"/>.</param>
    /// <param name="needs">The network outputs to score.</param>
    public ScoredBlocks(VaeTransformerBase transformer, DataViewRowCursor source, IEnumerable<DataViewSchema.Column> passThrough, VaeOutputs needs)
    {
        _transformer = transformer;
        _source = source;
        _features = transformer.CreateReader(source);
        _block = transformer.CreateBatch(transformer.RowsPerRun, needs);
        Rows = new RowBlock(source, passThrough, _block.Capacity) { Index = -1 };
    }

    /// <summary>The current row's pass-through columns.</summary>
    public RowBlock Rows { get; }

    public override long Position => Rows.Position;

    public override VaeScoreBatch Current(out int index)
    {
        index = Rows.Index;
        return _block;
    }

    /// <summary>
    /// Moves to the next row, reading and scoring the next block when the current one is served; false past the end.
    /// A bad value (NaN, ∞, a wrong size) stops it with an exception that names its row.
    /// </summary>
    public bool MoveNext()
    {
        if (Rows.Index + 1 < _rowsInBlock)
        {
            Rows.Index++;
            return true;
        }
        if (_sourceEnded)
            return false;
        ReadBlock();
        Rows.Index = 0;
        return _rowsInBlock > 0;
    }

    private void ReadBlock()
    {
        int width = _transformer.InputWidth;
        int rows = 0;
        while (rows < _block.Capacity)
        {
            if (!_source.MoveNext())
            {
                _sourceEnded = true;
                break;
            }
            _features.Read(_block.Features.AsSpan(rows * width, width), _source.Position);
            Rows.Keep(rows);
            rows++;
        }
        _rowsInBlock = rows;
        if (rows > 0)
            _transformer.Run(_block, rows, row => Rows.PositionAt(row));
    }
}
