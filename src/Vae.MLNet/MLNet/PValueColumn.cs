using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.MLNet;

/// <summary>The conformal p-value of the row's score against the detector's calibration scores (Single).</summary>
internal sealed class PValueColumn(string name, CalibrationScores calibration)
    : VaeOutputColumn(name, NumberDataViewType.Single, VaeOutputs.Score)
{
    public override Delegate MakeGetter(ScoredRow row) => (ValueGetter<float>)((ref float value) =>
    {
        var batch = row.Current(out int index);
        value = calibration.PValue(batch.Output(VaeOutputs.Score)[index]);
    });
}
