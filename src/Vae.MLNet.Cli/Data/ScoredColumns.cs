using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.MLNet.Cli;

/// <summary>
/// What <c>vae-mlnet score</c> writes beside the key columns, and the pipeline that computes it: the (last) detector's
/// score, predicted label and p-value (with its calibration scores), and its latent mean on request; for a pipeline
/// with a featurizer only, the featurizer's latent mean.
/// </summary>
internal sealed class ScoredColumns
{
    // The latent mean a detector pipeline adds on request, under a name no saved pipeline uses.
    private const string LatentColumn = "ScoreCommandLatent";

    private readonly string[] _columns;
    private readonly int _latent;

    private ScoredColumns(ITransformer pipeline, string[] names, string[] columns, int latent)
    {
        Pipeline = pipeline;
        Names = names;
        _columns = columns;
        _latent = latent;
    }

    public ITransformer Pipeline { get; }

    /// <summary>The output's column names after the key columns.</summary>
    public string[] Names { get; }

    public static ScoredColumns Of(SavedPipeline pipeline, bool latent)
    {
        var steps = (ITransformer[])pipeline.Steps.Clone();
        var names = new List<string>();
        var columns = new List<string>();
        string? latentColumn = null;
        VaeModel latentModel = pipeline.Vae.Model;
        // The last detector: a pipeline may encode with a featurizer first and detect on its codes.
        if (pipeline.DetectorIndex >= 0)
        {
            var detector = (VaeAnomalyDetectionTransformer)pipeline.Steps[pipeline.DetectorIndex];
            bool pValue = detector.Calibration != null;
            // The same detector, asked for its p-values as well when its calibration scores can give them.
            steps[pipeline.DetectorIndex] = new VaeAnomalyDetectionTransformer(detector.Model, detector.InputColumnName, detector.Threshold,
                detector.Calibration, detector.Scoring, addPValueColumn: pValue);
            names.AddRange(["score", "predicted_label"]);
            columns.AddRange([VaeAnomalyDetectionTransformer.ScoreColumnName, VaeAnomalyDetectionTransformer.PredictedLabelColumnName]);
            if (pValue)
            {
                names.Add("p_value");
                columns.Add(VaeAnomalyDetectionTransformer.PValueColumnName);
            }
            if (latent)
            {
                steps = [.. steps, new VaeEncodeTransformer(detector.Model, LatentColumn, detector.InputColumnName)];
                latentColumn = LatentColumn;
                latentModel = detector.Model;
            }
        }
        else
            latentColumn = ((VaeEncodeTransformer)pipeline.Vae).OutputColumnName;
        int k = latentColumn is null ? 0 : latentModel.LatentDimension;
        if (latentColumn != null)
            columns.Add(latentColumn);
        names.AddRange(Enumerable.Range(0, k).Select(j => $"latent_{j}"));
        return new ScoredColumns(new TransformerChain<ITransformer>(steps), names.ToArray(), columns.ToArray(), k);
    }

    /// <summary>Scores the rows of the block behind <paramref name="scored"/> and writes each with its keys.</summary>
    public void Write(IDataView scored, string[][] keys, TextWriter writer)
    {
        var schemaColumns = _columns.Select(name => scored.Schema[name]).ToArray();
        using var cursor = scored.GetRowCursor(schemaColumns);
        var cells = schemaColumns.Select(column => CellWriter(cursor, column)).ToArray();
        for (int row = 0; cursor.MoveNext(); row++)
        {
            foreach (var key in keys[row])
            {
                writer.Write(CsvCell.Quote(key));
                writer.Write(',');
            }
            for (int c = 0; c < cells.Length; c++)
            {
                if (c > 0)
                    writer.Write(',');
                cells[c](writer);
            }
            writer.WriteLine();
        }
    }

    /// <summary>Writes the current row's value of <paramref name="column"/> as CSV cells: a Single, 0 or 1 for a Boolean, the slots of a vector.</summary>
    private Action<TextWriter> CellWriter(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        if (column.Type is BooleanDataViewType)
        {
            var getter = cursor.GetGetter<bool>(column);
            bool value = false;
            return writer =>
            {
                getter(ref value);
                writer.Write(value ? '1' : '0');
            };
        }
        if (column.Type is VectorDataViewType)
        {
            var getter = cursor.GetGetter<VBuffer<float>>(column);
            var value = default(VBuffer<float>);
            return writer =>
            {
                getter(ref value);
                var slots = value.DenseValues().GetEnumerator();
                for (int j = 0; j < _latent && slots.MoveNext(); j++)
                {
                    if (j > 0)
                        writer.Write(',');
                    writer.Write(slots.Current.ToString("R", CultureInfo.InvariantCulture));
                }
            };
        }
        var single = cursor.GetGetter<float>(column);
        float number = 0;
        return writer =>
        {
            single(ref number);
            writer.Write(number.ToString("R", CultureInfo.InvariantCulture));
        };
    }
}
