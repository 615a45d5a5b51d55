using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.MLNet;

/// <summary>
/// Maps one row at a time, for <c>PredictionEngine</c>: the row is scored as a batch of one when its position
/// changes and an output is read.
/// </summary>
internal sealed class VaeRowToRowMapper(VaeTransformerBase transformer, ColumnLayout layout) : IRowToRowMapper
{
    public DataViewSchema InputSchema => layout.Input;

    public DataViewSchema OutputSchema => layout.Schema;

    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
    {
        var columns = dependingColumns.ToArray();
        IEnumerable<DataViewSchema.Column> inputs = layout.InputColumns(columns);
        if (layout.AddedColumns(columns).Length > 0)
            inputs = inputs.Concat(transformer.InputColumnNames.Select(n => layout.Input[n]));
        return inputs.Distinct().ToArray();
    }

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns) =>
        new MappedRow(transformer, input, layout, layout.AddedColumns(activeColumns));

    private sealed class MappedRow : DataViewRow
    {
        private readonly VaeTransformerBase _transformer;
        private readonly DataViewRow _input;
        private readonly RowWithOutputs _columns;
        private readonly SingleRow _scored;

        public MappedRow(VaeTransformerBase transformer, DataViewRow input, ColumnLayout layout, IReadOnlyList<(int Index, VaeOutputColumn Column)> outputs)
        {
            _transformer = transformer;
            _input = input;
            Schema = layout.Schema;
            _scored = new SingleRow(this, VaeTransformerBase.Needs(outputs.Select(c => c.Column)));
            _columns = new RowWithOutputs(input, layout);
            _columns.AddOutputs(outputs, _scored);
        }

        public override DataViewSchema Schema { get; }

        public override long Position => _input.Position;

        public override long Batch => _input.Batch;

        public override bool IsColumnActive(DataViewSchema.Column column) => _columns.IsColumnActive(column);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => _columns.GetGetter<TValue>(column);

        public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();

        private sealed class SingleRow : ScoredRow
        {
            private readonly MappedRow _row;
            private readonly VaeScoreBatch? _batch;
            private readonly FeatureRowReader? _features;
            private long _scoredPosition = -1;

            public SingleRow(MappedRow row, VaeOutputs needs)
            {
                _row = row;
                if (needs == VaeOutputs.None)
                    return;
                _batch = row._transformer.CreateBatch(1, needs);
                _features = row._transformer.CreateReader(row._input);
            }

            public override long Position => _row.Position;

            public override VaeScoreBatch Current(out int index)
            {
                index = 0;
                if (_scoredPosition != _row.Position)
                {
                    _features!.Read(_batch!.Features, row: null);
                    _row._transformer.Run(_batch, 1, _ => null);
                    _scoredPosition = _row.Position;
                }
                return _batch!;
            }
        }
    }
}
