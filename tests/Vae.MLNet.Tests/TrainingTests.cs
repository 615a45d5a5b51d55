using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
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

    [Trait("Category", "Slow")]
    [Fact]
    public void TheLossFallsWhileTrainingAndEveryEpochIsReported()
    {
        var ml = new MLContext(seed: 1);
        var reports = new List<VaeEpochReport>();
        var data = TestData.ToDataView(ml, TestData.Gaussian(600, 0));
        ml.AnomalyDetection.Trainers.Vae(Options(progress: TestData.ModelEpochs(reports))).Fit(data);

        Assert.Equal(Enumerable.Range(1, 30), reports.Select(r => r.Epoch));
        Assert.True(reports[^1].TrainLoss < reports[0].TrainLoss - 1, $"loss went from {reports[0].TrainLoss} to {reports[^1].TrainLoss}");
        Assert.All(reports, r => Assert.Equal(r.TrainLoss, r.Reconstruction + r.KlDivergence, 3));
    }

    [Trait("Category", "Slow")]
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

    [Trait("Category", "Slow")]
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

    [Trait("Category", "Slow")]
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

    /// <summary>
    /// Fifty rows of 500 features at a learning rate of 1e-2, without held-out rows: the loss falls from 718 to 44 per
    /// row over 190 epochs, then climbs to 1e7 within 20 epochs without reaching NaN, as issue 14's run of 50 × 5,000
    /// did at the default rate (there, from 4,019 to 9e10).
    /// </summary>
    private static VaeAnomalyDetectionTrainer.Options Diverging(List<VaeEpochReport> reports) => new()
    {
        Epochs = 400,
        Seed = 1,
        LearningRate = 1e-2,
        ValidationFraction = 0,
        Progress = TestData.ModelEpochs(reports),
    };

    [Trait("Category", "Slow")]
    [Fact]
    public void ALossThatClimbsWithoutReachingNaNStopsAtItsBestEpochWithAWarning()
    {
        (float[] Scores, double Auc, List<VaeEpochReport> Reports, List<string> Warnings) Fit()
        {
            var ml = new MLContext(seed: 1);
            var warnings = new List<string>();
            ml.Log += (_, e) => { if (e.Kind == ChannelMessageKind.Warning) lock (warnings) warnings.Add(e.Message); };
            var reports = new List<VaeEpochReport>();
            var model = ml.AnomalyDetection.Trainers.Vae(Diverging(reports)).Fit(TestData.ToDataView(ml, TestData.Gaussian(50, 0, dimension: 500)));
            var scored = model.Transform(TestData.ToDataView(ml, TestData.Gaussian(50, 10, dimension: 500, seed: 2)));
            return (TestData.Column(scored, "Score"), ml.AnomalyDetection.Evaluate(scored).AreaUnderRocCurve, reports, warnings);
        }

        var (scores, auc, reports, warnings) = Fit();

        // The model's own training (the calibration models, trained alike, diverge alike and say so on their own channel).
        var warning = Assert.Single(warnings, w => w.Contains("; Train,") && w.Contains("diverged"));
        Assert.Contains("Lower LearningRate (now 0.01", warning);
        var best = reports.MinBy(r => r.TrainLoss)!;
        Assert.Contains($"weights of epoch {best.Epoch} of 400 (training loss {best.TrainLoss:G5}) were restored", warning);
        // Stopped after the diverged epoch, which is not reported.
        Assert.True(reports.Count < 399, $"training ran {reports.Count} epochs");
        // The best epoch's model: new normal rows score under 20 nats a feature and the shifted ones apart, where the
        // diverged weights scored 1e7 and beyond.
        Assert.All(scores[..50], score => Assert.InRange(score, 0, 20 * 500));
        Assert.True(auc > 0.95, $"AUROC {auc}");
        Assert.Equal(scores, Fit().Scores);
    }

    [Fact]
    public void ALossThatDivergesEarlyInTheRunThrows()
    {
        // 2,000 features at 5e-3: the loss improves for 10 of the 300 epochs, then climbs to 2.6e7.
        var ml = new MLContext(seed: 1);
        var options = Diverging([]);
        options.LearningRate = 5e-3;
        options.Epochs = 300;
        var data = TestData.ToDataView(ml, TestData.Gaussian(50, 0, dimension: 2000));

        var error = Assert.Throws<InvalidOperationException>(() => ml.AnomalyDetection.Trainers.Vae(options).Fit(data));
        Assert.Contains("Training diverged in epoch", error.Message);
        Assert.Contains("too early to keep (a diverged run keeps them from epoch 30, a tenth of its 300)", error.Message);
        Assert.Contains("Lower LearningRate (now 0.005", error.Message);
    }
}
