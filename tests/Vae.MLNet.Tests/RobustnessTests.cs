using Microsoft.ML;
using Microsoft.ML.Data;
using Vae.MLNet.Training;

namespace Vae.MLNet.Tests;

public class RobustnessTests
{
    private static float[] FitAndScore(LabelledRow[] train, LabelledRow[] test, int epochs = 30)
    {
        var ml = new MLContext(seed: 1);
        var model = ml.Transforms.NormalizeMeanVariance("Features", fixZero: false)
            .Append(ml.AnomalyDetection.Trainers.Vae(new VaeAnomalyDetectionTrainer.Options { Epochs = epochs, Seed = 1 }))
            .Fit(TestData.ToDataView(ml, train));
        return TestData.Column(model.Transform(TestData.ToDataView(ml, test)), "Score");
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void AConstantColumnNeitherBreaksTrainingNorYieldsNonFiniteScores()
    {
        var rows = TestData.Gaussian(400, 0);
        foreach (var row in rows)
            row.Features[2] = 5;
        var scores = FitAndScore(rows, rows, epochs: 100);
        Assert.All(scores, s => Assert.True(float.IsFinite(s), $"score {s}"));
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void HugeAndTinyFeatureScalesTrainToFiniteScores()
    {
        var rows = TestData.Gaussian(400, 0);
        foreach (var row in rows)
        {
            row.Features[0] *= 1e6f;
            row.Features[1] *= 1e-6f;
        }
        Assert.All(FitAndScore(rows, rows), s => Assert.True(float.IsFinite(s), $"score {s}"));
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void DuplicatedRowsAndASingleRowTrain()
    {
        var one = TestData.Gaussian(1, 0);
        var duplicated = Enumerable.Repeat(one[0], 300).ToArray();
        Assert.All(FitAndScore(duplicated, TestData.Gaussian(10, 0, seed: 4), epochs: 10), s => Assert.True(float.IsFinite(s)));
        Assert.All(FitAndScore(one, TestData.Gaussian(10, 0, seed: 4), epochs: 10), s => Assert.True(float.IsFinite(s)));
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void AFiniteButExtremeRowGetsAFiniteHighScore()
    {
        var rows = TestData.Gaussian(400, 0);
        var extreme = TestData.Gaussian(1, 0, seed: 5);
        extreme[0].Features[3] = 1e20f;
        var scores = FitAndScore(rows, rows.Append(extreme[0]).ToArray());
        Assert.True(float.IsFinite(scores[^1]), $"score {scores[^1]}");
        Assert.True(scores[^1] > scores[..^1].Max());
    }
}
