using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.MLNet;

/// <summary>The Boolean anomaly label: true when the row's score is above the threshold.</summary>
internal sealed class PredictedLabelColumn(string name, float threshold)
    : VaeOutputColumn(name, BooleanDataViewType.Instance, VaeOutputs.Score)
{
    public override Delegate MakeGetter(ScoredRow row) => (ValueGetter<bool>)((ref bool value) =>
    {
        var batch = row.Current(out int index);
        value = batch.Output(VaeOutputs.Score)[index] > threshold;
    });
}
