using Microsoft.ML;
using Vae.MLNet.Training;

namespace Vae.MLNet.Tests;

/// <summary>
/// The comparison protocol of the shared datasets (train on the normal rows of one half, score the other half,
/// z-scored with the training statistics), on the exact splits copied into Fixtures/splits.
/// </summary>
[Trait("Category", "Slow")]
public class ProtocolTests
{
    [Theory]
    // Floors well under the measured figures (see docs/quality.md), to catch regressions rather than noise.
    [InlineData("breastw", 0.97)]
    [InlineData("thyroid", 0.97)]
    public void TheDefaultDetectorKeepsItsQualityOnRealData(string dataset, double floor)
    {
        var ml = new MLContext(seed: 0);
        var train = TestData.LoadSplit(ml, dataset, 0, "train");
        var test = TestData.LoadSplit(ml, dataset, 0, "test");
        var model = ml.Transforms.NormalizeMeanVariance("Features", fixZero: false)
            // The default model; its threshold is calibrated on the held-out rows rather than by cross-fitting, which
            // trains five more models and changes no score (calibration comes after the model is trained).
            .Append(ml.AnomalyDetection.Trainers.Vae(new VaeAnomalyDetectionTrainer.Options { Seed = 0, Calibration = VaeCalibration.HeldOut }))
            .Fit(train);

        var metrics = ml.AnomalyDetection.Evaluate(model.Transform(test));

        Assert.True(metrics.AreaUnderRocCurve >= floor, $"{dataset}: AUROC {metrics.AreaUnderRocCurve:F4} < {floor}");
    }
}
