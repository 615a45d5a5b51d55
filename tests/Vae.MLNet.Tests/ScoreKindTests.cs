using System.ComponentModel;
using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;
using Vae.MLNet.Cli;
using Vae.MLNet.Training;

namespace Vae.MLNet.Tests;

public class ScoreKindTests
{
    private static readonly Lazy<(MLContext Ml, IDataView Data, VaeAnomalyDetectionTransformer Detector)> Trained = new(() =>
    {
        var ml = new MLContext(seed: 1);
        var data = TestData.ToDataView(ml, TestData.Gaussian(600, 30, seed: 2));
        var detector = ml.AnomalyDetection.Trainers.Vae(new VaeAnomalyDetectionTrainer.Options { Epochs = 30, Seed = 1, LatentDimension = 3 }).Fit(data);
        return (ml, data, detector);
    });

    private static float[] Scores(VaeScoring scoring, string? featureErrors = null)
    {
        var (_, data, detector) = Trained.Value;
        var other = new VaeAnomalyDetectionTransformer(detector.Model, detector.InputColumnName, detector.Threshold, scoring: scoring, featureErrorColumnName: featureErrors);
        return TestData.Column(other.Transform(data), "Score");
    }

    [Fact]
    public void TheCliHelpNamesEveryScoreKindAndStatesTheLibrarysDefaults()
    {
        static string Help(string property) =>
            typeof(TrainingSettings).GetProperty(property)!.GetCustomAttribute<DescriptionAttribute>()!.Description;

        Assert.All(Enum.GetNames<VaeScoreKind>(), kind => Assert.Contains(kind, Help(nameof(TrainingSettings.Score))));
        Assert.Contains($"{VaeScoring.Defaults.Kind} (default)", Help(nameof(TrainingSettings.Score)));
        Assert.Contains(FormattableString.Invariant($"(default {VaeScoring.Defaults.Samples})"), Help(nameof(TrainingSettings.ScoreSamples)));
        Assert.Contains(FormattableString.Invariant($"(default {VaeScoring.Defaults.LatentDensityWeight} up to --training-codes rows, then {VaeScoring.Defaults.LatentDensityWeight} × codes / rows)"), Help(nameof(TrainingSettings.LatentDensityWeight)));
        Assert.Contains(FormattableString.Invariant($"(default {VaeTrainingOptions.Defaults.TrainingCodeCount})"), Help(nameof(TrainingSettings.TrainingCodes)));
        Assert.Contains(FormattableString.Invariant($"(default {VaeTrainingOptions.Defaults.CheckpointInterval})"), Help(nameof(TrainingSettings.CheckpointEvery)));
        Assert.Contains(FormattableString.Invariant($"(default {VaeAnomalyDetectionTrainer.Options.Defaults.Contamination})"), Help(nameof(TrainingSettings.Contamination)));
    }

    [Fact]
    public void TheScoreKindsRelateAsTheirDefinitionsSay()
    {
        var elbo = Scores(VaeScoring.NegativeElboAtMean);
        var reconstruction = Scores(new VaeScoring(VaeScoreKind.Reconstruction));
        var kl = Scores(new VaeScoring(VaeScoreKind.KlDivergence));

        for (int i = 0; i < elbo.Length; i++)
        {
            Assert.Equal(elbo[i], reconstruction[i] + kl[i], 1e-4 * Math.Max(1, Math.Abs(elbo[i])));
            Assert.True(kl[i] >= 0);
        }
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void EverySampledScoreIsDeterministicForItsSeed()
    {
        foreach (var kind in new[] { VaeScoreKind.MonteCarloElbo, VaeScoreKind.ImportanceWeighted })
        {
            Assert.Equal(Scores(new VaeScoring(kind, 8, Seed: 3)), Scores(new VaeScoring(kind, 8, Seed: 3)));
            Assert.NotEqual(Scores(new VaeScoring(kind, 8, Seed: 3)), Scores(new VaeScoring(kind, 8, Seed: 4)));
        }
    }

    private sealed class Prediction
    {
        public float Score { get; set; }
    }

    /// <summary>
    /// A sampled score's run holds every draw of every row: with many draws, fewer rows a run keep its memory that of
    /// the default (before, 4,000 draws took 4.9 GB on 6 features), and the scores are those of one row a run.
    /// </summary>
    [Fact]
    public void ManyDrawsAreScoredInRunsOfFewerRowsWithTheSameScores()
    {
        Assert.Equal(1024, new VaeScoring(VaeScoreKind.ImportanceWeighted, 10).RowsPerRun(1024));
        Assert.Equal(1024, new VaeScoring(VaeScoreKind.MonteCarloElbo, 1).RowsPerRun(1024));
        Assert.Equal(10, new VaeScoring(VaeScoreKind.ImportanceWeighted, 1000).RowsPerRun(1024));
        Assert.Equal(1, new VaeScoring(VaeScoreKind.ImportanceWeighted, VaeScoring.MaximumSamples).RowsPerRun(1024));
        Assert.Equal(1024, VaeScoring.NegativeElboAtMean.RowsPerRun(1024));

        var (ml, data, detector) = Trained.Value;
        var scoring = new VaeScoring(VaeScoreKind.ImportanceWeighted, 1000, Seed: 3);
        var sampled = new VaeAnomalyDetectionTransformer(detector.Model, detector.InputColumnName, detector.Threshold, scoring: scoring);
        var rows = ml.Data.TakeRows(data, 45);
        var batched = TestData.Column(sampled.Transform(rows), "Score");
        using var engine = ml.Model.CreatePredictionEngine<LabelledRow, Prediction>(sampled, inputSchemaDefinition: TestData.SchemaFor(6));
        var single = ml.Data.CreateEnumerable<LabelledRow>(rows, reuseRowObject: false).Select(row => engine.Predict(row).Score).ToArray();

        Assert.Equal(45, batched.Length);
        for (int i = 0; i < batched.Length; i++)
            Assert.Equal(single[i], batched[i], 1e-5f * Math.Max(1, Math.Abs(single[i])));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void TheImportanceWeightedScoreIsTheEstimateComputedByHand(int samples)
    {
        // At K = 1 this is the one-sample ELBO, log p(x|z) + log p(z) − log q(z|x).
        var (_, data, detector) = Trained.Value;
        var model = detector.Model;
        int k = model.LatentDimension;
        var rows = data.GetColumn<float[]>("Features").Take(40).ToArray();
        var iwae = Scores(new VaeScoring(VaeScoreKind.ImportanceWeighted, samples, Seed: 9)).Take(40).ToArray();
        var epsilon = Enumerable.Range(0, samples).Select(s =>
        {
            var e = new float[k];
            LatentNoise.Fill(9, s, e);
            return e;
        }).ToArray();
        var means = model.Encode(rows);
        using var scorer = new VaeOnnxScorer(model);
        var batch = scorer.CreateBatch(rows.Length, VaeOutputs.LatentLogVariance);
        for (int r = 0; r < rows.Length; r++)
            rows[r].CopyTo(batch.Features, r * model.InputDimension);
        scorer.Run(batch, rows.Length);

        for (int r = 0; r < rows.Length; r++)
        {
            var logVariance = batch.LatentLogVariance.AsSpan(r * k, k).ToArray();
            var logWeights = epsilon.Select(e =>
            {
                var z = means[r].Select((m, j) => m + MathF.Exp(0.5f * logVariance[j]) * e[j]).ToArray();
                var decoded = model.Decode([z])[0];
                double logPxz = -Enumerable.Range(0, rows[r].Length).Sum(j =>
                    0.5 * (Math.Pow(rows[r][j] - decoded[j], 2) * Math.Exp(-model.OutputLogVariance[j]) + model.OutputLogVariance[j] + Math.Log(2 * Math.PI)));
                double logPz = -0.5 * z.Sum(v => (double)v * v) - 0.5 * k * Math.Log(2 * Math.PI);
                double logQz = -0.5 * e.Sum(v => (double)v * v) - 0.5 * logVariance.Sum() - 0.5 * k * Math.Log(2 * Math.PI);
                return logPxz + logPz - logQz;
            }).ToArray();
            double max = logWeights.Max();
            double expected = -(max + Math.Log(logWeights.Average(w => Math.Exp(w - max))));
            Assert.Equal(expected, iwae[r], 1e-3 * Math.Max(1, Math.Abs(expected)));
        }
    }

    [Theory]
    [InlineData(2.0)]
    [InlineData(0.5)]
    public void TheAggregatePosteriorScoreIsTheMixtureDensityComputedByHand(double weight)
    {
        // The graph expands the squares into matrix products; here the mixture density is computed as defined, in double.
        var (_, data, detector) = Trained.Value;
        var model = detector.Model;
        var codes = model.TrainingCodes!;
        int k = model.LatentDimension;
        var rows = data.GetColumn<float[]>("Features").Take(40).Append(Enumerable.Repeat(4f, model.InputDimension).ToArray()).ToArray();
        var means = model.Encode(rows);
        // Without the minor-component term, whose own hand computation is MinorComponentsTests'.
        using var scorer = new VaeOnnxScorer(model, new VaeScoring(VaeScoreKind.AggregatePosterior, LatentDensityWeight: weight, MinorComponentWeight: 0));
        var batch = scorer.CreateBatch(rows.Length, VaeOutputs.ReconstructionError | VaeOutputs.Score);
        for (int r = 0; r < rows.Length; r++)
            rows[r].CopyTo(batch.Features, r * model.InputDimension);
        scorer.Run(batch, rows.Length);

        for (int r = 0; r < rows.Length; r++)
        {
            var logComponents = Enumerable.Range(0, codes.Count).Select(i => -0.5 * Enumerable.Range(0, k).Sum(j =>
            {
                double variance = Math.Exp(codes.LogVariances[i * k + j]);
                return Math.Pow(means[r][j] - codes.Means[i * k + j], 2) / variance + codes.LogVariances[i * k + j] + Math.Log(2 * Math.PI);
            })).ToArray();
            double max = logComponents.Max();
            double logDensity = max + Math.Log(logComponents.Sum(c => Math.Exp(c - max))) - Math.Log(codes.Count);
            double expected = batch.ReconstructionError[r] - weight * logDensity;
            Assert.Equal(expected, batch.Score[r], 1e-3 * Math.Max(1, Math.Abs(expected)));
        }
    }

    [Fact]
    public void TrainingKeepsTheCodesOfEveryRowItTrainedOnOrOfTheRequestedSample()
    {
        var (ml, data, detector) = Trained.Value;
        // The 10% held out for early stopping leave no code: they are scored as new rows, to calibrate the threshold.
        int rows = data.GetColumn<float[]>("Features").Count();
        Assert.Equal(rows - rows / 10, detector.Model.TrainingCodes!.Count);
        var sampled = ml.AnomalyDetection.Trainers.Vae(new VaeAnomalyDetectionTrainer.Options { Epochs = 2, Seed = 1, LatentDimension = 3, TrainingCodeCount = 50 }).Fit(data);
        Assert.Equal(50, sampled.Model.TrainingCodes!.Count);
        Assert.Equal(3, sampled.Model.TrainingCodes.LatentDimension);
        // The codes are the encoder's posteriors of training rows: each code's mean is some row's latent mean.
        var means = sampled.Model.Encode(data.GetColumn<float[]>("Features").ToArray());
        var codes = sampled.Model.TrainingCodes;
        for (int i = 0; i < codes.Count; i++)
            Assert.Contains(means, m => m.SequenceEqual(codes.Means.Skip(i * 3).Take(3).ToArray(), new ToleranceComparer(1e-5f)));
    }

    [Fact]
    public void TheDefaultDetectorScoresAgainstTheAggregatePosteriorWithWeightTwo()
    {
        var (_, data, detector) = Trained.Value;
        Assert.Equal(new VaeScoring(VaeScoreKind.AggregatePosterior, LatentDensityWeight: 2), detector.Scoring);
        Assert.Equal(Scores(new VaeScoring(VaeScoreKind.AggregatePosterior)), TestData.Column(detector.Transform(data), "Score"));
        // A detector built on the trained model without a choice scores as the trainer's did.
        Assert.Equal(detector.Scoring, new VaeAnomalyDetectionTransformer(detector.Model, "Features", detector.Threshold).Scoring);
    }

    [Fact]
    public void WithoutAGivenWeightTheDetectorWeighsTheCodesRarityByTheShareOfRowsItsCodesCanStandFor()
    {
        var (ml, data, _) = Trained.Value;
        int rows = data.GetColumn<float[]>("Features").Count();
        var options = new VaeAnomalyDetectionTrainer.Options { Epochs = 2, Seed = 1, LatentDimension = 3, TrainingCodeCount = 150 };
        var ruled = ml.AnomalyDetection.Trainers.Vae(options).Fit(data);
        Assert.Equal(2.0 * 150 / rows, ruled.Scoring.LatentDensityWeight, 12);
        Assert.Equal(VaeScoring.Defaults.LatentDensityWeight, VaeScoring.Defaults.LatentDensityWeightFor(rows, rows));
        // The same weight given explicitly trains the same model and calibrates the same threshold: the calibration
        // scores were computed with the weight the detector scores with, not with the default of 2.
        options.LatentDensityWeight = 2.0 * 150 / rows;
        var given = ml.AnomalyDetection.Trainers.Vae(options).Fit(data);
        Assert.Equal(given.Scoring, ruled.Scoring);
        Assert.Equal(given.Threshold, ruled.Threshold);
        Assert.Equal(TestData.Column(given.Transform(data), "Score"), TestData.Column(ruled.Transform(data), "Score"));
        // Other score kinds have no latent density term to weigh: their scoring is left as asked.
        var elbo = ml.AnomalyDetection.Trainers.Vae(new VaeAnomalyDetectionTrainer.Options
            { Epochs = 2, Seed = 1, LatentDimension = 3, TrainingCodeCount = 150, Score = VaeScoreKind.NegativeElbo }).Fit(data);
        Assert.Equal(new VaeScoring(VaeScoreKind.NegativeElbo), elbo.Scoring);
    }

    private sealed class ToleranceComparer(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance * Math.Max(1, Math.Abs(x));

        public int GetHashCode(float value) => 0;
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void TheImportanceWeightedEstimateTightensAsKGrows()
    {
        // −log p̂(x) must not increase with K in expectation: the bound tightens. A seed fixes one set of draws for
        // every row, so the expectation is taken over seeds as well as rows.
        double Mean(int k) => Enumerable.Range(0, 32).Average(seed => Scores(new VaeScoring(VaeScoreKind.ImportanceWeighted, k, Seed: seed)).Average());
        // Once q(z|x) fits, the bound moves by less than the Monte Carlo noise of 32 draw sets (measured: K = 1, 5,
        // 10, 100 give 8.94, 8.76, 8.78, 8.78 nats here), so K = 10 and 100 are held to within 0.05 nats of each other.
        double k1 = Mean(1), k10 = Mean(10), k100 = Mean(100);
        Assert.True(k10 < k1, $"K=10 {k10} >= K=1 {k1}");
        Assert.True(k100 < k1, $"K=100 {k100} >= K=1 {k1}");
        Assert.True(k100 <= k10 + 0.05, $"K=100 {k100} > K=10 {k10} + 0.05");
    }

    [Fact]
    public void PerFeatureErrorsSumToTheReconstructionTerm()
    {
        var (_, data, detector) = Trained.Value;
        var explained = new VaeAnomalyDetectionTransformer(detector.Model, "Features", detector.Threshold,
            scoring: new VaeScoring(VaeScoreKind.Reconstruction), featureErrorColumnName: "FeatureErrors").Transform(data);
        var errors = explained.GetColumn<float[]>("FeatureErrors").ToArray();
        var reconstruction = TestData.Column(explained, "Score");

        for (int i = 0; i < errors.Length; i++)
            Assert.Equal(reconstruction[i], errors[i].Sum(), 1e-4 * Math.Max(1, Math.Abs(reconstruction[i])));
    }

    [Fact]
    public void ARowWithOneCorruptedFeatureNamesThatFeatureFirst()
    {
        var (ml, _, detector) = Trained.Value;
        var rows = TestData.Gaussian(20, 0, seed: 8);
        for (int i = 0; i < rows.Length; i++)
            rows[i].Features[i % 6] += 6;
        var explained = new VaeAnomalyDetectionTransformer(detector.Model, "Features", detector.Threshold, featureErrorColumnName: "FeatureErrors")
            .Transform(TestData.ToDataView(ml, rows));
        var errors = explained.GetColumn<float[]>("FeatureErrors").ToArray();

        for (int i = 0; i < rows.Length; i++)
            Assert.Equal(i % 6, Array.IndexOf(errors[i], errors[i].Max()));
    }

    [Fact]
    public void ADetectorWithASampledScoreKeepsItThroughSaveAndLoad()
    {
        var (ml, data, detector) = Trained.Value;
        var iwae = new VaeAnomalyDetectionTransformer(detector.Model, "Features", detector.Threshold, scoring: new VaeScoring(VaeScoreKind.ImportanceWeighted, 5, Seed: 1));
        string path = Path.Combine(Path.GetTempPath(), $"vae-iwae-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(iwae, data.Schema, path);
            var expected = TestData.Column(iwae.Transform(data), "Score");
            foreach (var loaded in new[] { ml.Model.Load(path, out _), ml.Model.LoadWithBatchedScoring(path, out _) })
            {
                var actual = TestData.Column(loaded.Transform(data), "Score");
                for (int i = 0; i < expected.Length; i++)
                    Assert.Equal(expected[i], actual[i], 1e-4 * Math.Max(1, Math.Abs(expected[i])));
            }
        }
        finally
        {
            File.Delete(path);
        }
    }
}
