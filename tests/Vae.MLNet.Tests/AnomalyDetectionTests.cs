using Microsoft.ML;
using Microsoft.ML.Data;
using Vae.MLNet.Training;

namespace Vae.MLNet.Tests;

public class AnomalyDetectionTests
{
    private static readonly VaeAnomalyDetectionTrainer.Options QuickOptions = new() { Epochs = 40, Seed = 1, Contamination = 0.05 };

    [Fact]
    public void EvaluateWorksOnTheDetectorOutputAndSeparatesPlantedAnomalies()
    {
        var ml = new MLContext(seed: 1);
        var train = TestData.ToDataView(ml, TestData.Gaussian(800, 0, seed: 1));
        var test = TestData.ToDataView(ml, TestData.Gaussian(400, 40, seed: 2));
        var model = ml.Transforms.NormalizeMeanVariance("Features", fixZero: false)
            .Append(ml.AnomalyDetection.Trainers.Vae(QuickOptions))
            .Fit(train);

        var metrics = ml.AnomalyDetection.Evaluate(model.Transform(test));

        Assert.True(metrics.AreaUnderRocCurve > 0.95, $"AUROC {metrics.AreaUnderRocCurve}");
        Assert.True(metrics.DetectionRateAtFalsePositiveCount > 0.5, $"detection rate {metrics.DetectionRateAtFalsePositiveCount}");
    }

    [Fact]
    public void TheThresholdFlagsTheContaminationFractionOfTheTrainingRows()
    {
        var ml = new MLContext(seed: 1);
        var train = TestData.ToDataView(ml, TestData.Gaussian(1000, 0));
        var model = ml.AnomalyDetection.Trainers.Vae(QuickOptions).Fit(train);

        var flagged = model.Transform(train).GetColumn<bool>("PredictedLabel").Count(label => label);
        Assert.InRange(flagged, 40, 60);
        Assert.Equal(model.Threshold, model.TrainingScores!.ThresholdForContamination(0.05), 4);
    }

    [Fact]
    public void TheThresholdCanBeChangedWithoutRetraining()
    {
        var ml = new MLContext(seed: 1);
        var data = TestData.ToDataView(ml, TestData.Gaussian(500, 0));
        var model = ml.AnomalyDetection.Trainers.Vae(QuickOptions).Fit(data);
        var scores = TestData.Column(model.Transform(data), "Score");

        var everything = model.WithThreshold(scores.Min() - 1);
        var quarter = model.WithContamination(0.25);

        Assert.All(everything.Transform(data).GetColumn<bool>("PredictedLabel"), Assert.True);
        Assert.InRange(quarter.Transform(data).GetColumn<bool>("PredictedLabel").Count(l => l), 110, 140);
        Assert.Equal(scores, TestData.Column(quarter.Transform(data), "Score"));
    }

    [Fact]
    public void AnExplicitThresholdIsKept()
    {
        var ml = new MLContext(seed: 1);
        var options = new VaeAnomalyDetectionTrainer.Options { Epochs = 3, Seed = 1, Threshold = 12.5f };
        var model = ml.AnomalyDetection.Trainers.Vae(options).Fit(TestData.ToDataView(ml, TestData.Gaussian(100, 0)));
        Assert.Equal(12.5f, model.Threshold);
    }

    [Fact]
    public void ScoresAreTheSameFromTransformAndFromPredictionEngine()
    {
        var ml = new MLContext(seed: 1);
        var data = TestData.ToDataView(ml, TestData.Gaussian(300, 20));
        var model = ml.AnomalyDetection.Trainers.Vae(QuickOptions).Fit(data);
        var scores = TestData.Column(model.Transform(data), "Score");
        var engine = ml.Model.CreatePredictionEngine<LabelledRow, Prediction>(model, inputSchemaDefinition: TestData.SchemaFor(6));
        var rows = ml.Data.CreateEnumerable<LabelledRow>(data, reuseRowObject: false).ToArray();

        for (int i = 0; i < rows.Length; i += 13)
        {
            var prediction = engine.Predict(rows[i]);
            Assert.Equal(scores[i], prediction.Score, 4);
            Assert.Equal(prediction.Score > model.Threshold, prediction.PredictedLabel);
        }
    }

    private sealed class Prediction
    {
        public float Score { get; set; }
        public bool PredictedLabel { get; set; }
    }
}
