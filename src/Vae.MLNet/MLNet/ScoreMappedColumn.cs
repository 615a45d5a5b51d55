using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.MLNet;

/// <summary>
/// A column computed from the row's score alone, after the graph has run: the detector's <c>PredictedLabel</c> (score
/// above the threshold) and <c>PValue</c> (against the calibration scores).
/// </summary>
internal sealed class ScoreMappedColumn<T>(string name, DataViewType type, Func<float, T> map)
    : VaeOutputColumn(name, type, VaeOutputs.Score)
{
    public override Delegate MakeGetter(ScoredRow row) => (ValueGetter<T>)((ref T value) =>
    {
        var batch = row.Current(out int index);
        value = map(batch.Output(VaeOutputs.Score)[index]);
    });
}
