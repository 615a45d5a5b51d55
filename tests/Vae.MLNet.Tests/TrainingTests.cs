using Microsoft.ML;
using Microsoft.ML.Data;
using Vae.MLNet.Training;

namespace Vae.MLNet.Tests;

public class TrainingTests
{
    private static VaeAnomalyDetectionTrainer.Options Options(int seed = 1, Action<VaeEpochReport>? progress = null) => new()
    {
        Epochs = 30,
        Seed = seed,
        ValidationFraction = 0,
        Progress = progress,
    };

    [Fact]
    public void TheLossFallsWhileTrainingAndEveryEpochIsReported()
    {
        var ml = new MLContext(seed: 1);
        var reports = new List<VaeEpochReport>();
        var data = TestData.ToDataView(ml, TestData.Gaussian(600, 0));
        ml.AnomalyDetection.Trainers.Vae(Options(progress: reports.Add)).Fit(data);

        Assert.Equal(Enumerable.Range(1, 30), reports.Select(r => r.Epoch));
        Assert.True(reports[^1].TrainLoss < reports[0].TrainLoss - 1, $"loss went from {reports[0].TrainLoss} to {reports[^1].TrainLoss}");
        Assert.All(reports, r => Assert.Equal(r.TrainLoss, r.Reconstruction + r.KlDivergence, 3));
    }

    [Theory]
    [InlineData(200, null, 1000)] // 180 training rows, 2 batches per epoch: 2,000 steps take 1,000 epochs
    [InlineData(20000, null, 100)] // 141 batches per epoch: 100 epochs are more than 2,000 steps
    [InlineData(200, 7, 7)]
    public void TheEpochLimitIsTheOptionOrEnoughForTwoThousandSteps(int rows, int? epochs, int expected)
    {
        var ml = new MLContext(seed: 1);
        var reports = new List<VaeEpochReport>();
        var options = new VaeAnomalyDetectionTrainer.Options { Epochs = epochs, Seed = 1, Progress = reports.Add, EarlyStoppingPatience = 1 };
        ml.AnomalyDetection.Trainers.Vae(options).Fit(TestData.ToDataView(ml, TestData.Gaussian(rows, 0)));

        Assert.All(reports, report => Assert.Equal(expected, report.Epochs));
    }

    [Fact]
    public void TheSameSeedGivesTheSameScoresAndAnotherSeedDoesNot()
    {
        float[] Scores(int seed)
        {
            var ml = new MLContext(seed: 7);
            var data = TestData.ToDataView(ml, TestData.Gaussian(300, 10));
            return TestData.Column(ml.AnomalyDetection.Trainers.Vae(Options(seed)).Fit(data).Transform(data), "Score");
        }

        Assert.Equal(Scores(3), Scores(3));
        Assert.NotEqual(Scores(3), Scores(4));
    }

    [Fact]
    public void WithoutAnExplicitSeedTheMLContextSeedMakesTrainingReproducible()
    {
        float[] Scores()
        {
            var ml = new MLContext(seed: 11);
            var data = TestData.ToDataView(ml, TestData.Gaussian(300, 10));
            return TestData.Column(ml.AnomalyDetection.Trainers.Vae(epochs: 10).Fit(data).Transform(data), "Score");
        }

        Assert.Equal(Scores(), Scores());
    }

    [Fact]
    public void EarlyStoppingStopsBeforeTheLastEpochAndReportsValidationLoss()
    {
        var ml = new MLContext(seed: 1);
        var reports = new List<VaeEpochReport>();
        var options = new VaeAnomalyDetectionTrainer.Options
        {
            Epochs = 500,
            Seed = 1,
            ValidationFraction = 0.2,
            EarlyStoppingPatience = 3,
            Progress = reports.Add,
        };
        ml.AnomalyDetection.Trainers.Vae(options).Fit(TestData.ToDataView(ml, TestData.Gaussian(300, 0)));

        Assert.True(reports.Count < 500, "training should stop early");
        Assert.All(reports, r => Assert.NotNull(r.ValidationLoss));
    }

    [Fact]
    public void EveryEpochIsLoggedToTheMLContextLog()
    {
        var ml = new MLContext(seed: 1);
        var lines = new List<string>();
        ml.Log += (_, e) => { lock (lines) lines.Add(e.Message); };
        ml.Transforms.VaeEncode("Latent", "Features", latentDimension: 2, epochs: 4, seed: 1)
            .Fit(TestData.ToDataView(ml, TestData.Gaussian(100, 0)));

        Assert.Equal(4, lines.Count(line => line.Contains("VAE epoch")));
    }
}
