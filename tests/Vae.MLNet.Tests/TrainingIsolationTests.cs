using Microsoft.ML;
using TorchSharp;
using Vae.MLNet.Training;

namespace Vae.MLNet.Tests;

/// <summary>
/// Training leaves nothing behind in the process: the options a trainer was built with are the ones it trains with,
/// TorchSharp's thread count is restored, and the run's own generator makes overlapping runs each give their
/// same-seed result. Alone in its collection, since it reads and sets process-wide TorchSharp state.
/// </summary>
[Collection(nameof(TrainingIsolationTests))]
[CollectionDefinition(nameof(TrainingIsolationTests), DisableParallelization = true)]
public class TrainingIsolationTests
{
    private static VaeAnomalyDetectionTrainer.Options Options(int seed) => new() { Epochs = 4, Seed = seed, HiddenLayerSizes = [16] };

    private static float[] TrainAndScore(VaeAnomalyDetectionTrainer trainer, MLContext ml)
    {
        var data = TestData.ToDataView(ml, TestData.Gaussian(300, 10));
        return TestData.Column(trainer.Fit(data).Transform(data), "Score");
    }

    [Fact]
    public void ChangingTheOptionsAfterConstructionChangesNeitherTheScoreNorTheEpochs()
    {
        var ml = new MLContext(seed: 1);
        var reports = new List<VaeEpochReport>();
        var options = Options(3);
        options.Progress = reports.Add;
        var trainer = ml.AnomalyDetection.Trainers.Vae(options);
        options.Epochs = 9;
        options.Score = VaeScoreKind.KlDivergence;
        options.HiddenLayerSizes![0] = 32;
        var detector = trainer.Fit(TestData.ToDataView(ml, TestData.Gaussian(300, 10)));

        Assert.Equal(4, reports.Max(r => r.Epoch));
        Assert.Equal(VaeScoreKind.AggregatePosterior, detector.Scoring.Kind);
        Assert.Equal(16, detector.Model.EncoderLayers[0].OutputSize);
    }

    [Fact]
    public void TheFeaturizerTrainsWithTheOptionsItWasBuiltWith()
    {
        var ml = new MLContext(seed: 1);
        var reports = new List<VaeEpochReport>();
        var options = new VaeEncodeEstimator.Options { Epochs = 3, Seed = 1, LatentDimension = 2, Progress = reports.Add };
        var estimator = ml.Transforms.VaeEncode(options);
        options.Epochs = 7;
        options.LatentDimension = 5;
        var featurizer = estimator.Fit(TestData.ToDataView(ml, TestData.Gaussian(200, 0)));

        Assert.Equal(3, reports.Max(r => r.Epoch));
        Assert.Equal(2, featurizer.Model.LatentDimension);
    }

    [Fact]
    public async Task TwoTrainingsRunConcurrentlyInOneProcessAndEachGivesItsSameSeedResult()
    {
        var alone = new[] { 5, 6 }.Select(seed => TrainAndScore(new MLContext(seed: 1).AnomalyDetection.Trainers.Vae(Options(seed)), new MLContext(seed: 1))).ToArray();

        using var start = new Barrier(2);
        var together = new[] { 5, 6 }.Select(seed => Task.Run(() =>
        {
            var ml = new MLContext(seed: 1);
            var trainer = ml.AnomalyDetection.Trainers.Vae(Options(seed));
            start.SignalAndWait();
            return TrainAndScore(trainer, ml);
        })).ToArray();
        var scores = await Task.WhenAll(together);

        Assert.Equal(alone[0], scores[0]);
        Assert.Equal(alone[1], scores[1]);
        Assert.NotEqual(alone[0], alone[1]);
    }

    [Fact]
    public void TrainingWithAThreadCountRestoresTorchSharpsCountAfterwards()
    {
        int before = torch.get_num_threads();
        var options = Options(1);
        options.Threads = before == 1 ? 2 : 1;
        TrainAndScore(new MLContext(seed: 1).AnomalyDetection.Trainers.Vae(options), new MLContext(seed: 1));

        Assert.Equal(before, torch.get_num_threads());
    }

    [Fact]
    public void ALayerDrawnFromTheRunsGeneratorHasTheWeightsNnLinearDrawsAfterManualSeed()
    {
        using var generator = new torch.Generator();
        generator.manual_seed(42);
        using var seeded = SeededLinear.Create(37, 11, generator);
        torch.manual_seed(42);
        using var reference = torch.nn.Linear(37, 11);

        Assert.Equal(reference.weight!.data<float>().ToArray(), seeded.weight!.data<float>().ToArray());
        Assert.Equal(reference.bias!.data<float>().ToArray(), seeded.bias!.data<float>().ToArray());
    }
}
