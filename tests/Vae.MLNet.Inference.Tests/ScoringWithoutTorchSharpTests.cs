using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.MLNet.Inference.Tests;

/// <summary>A service that only loads and scores: the <see cref="CardioDetector"/> a demo run saved.</summary>
public class ScoringWithoutTorchSharpTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ASavedDetectorScoresTheSameWithoutTorchSharp(bool batched)
    {
        var ml = new MLContext(seed: 0);
        var model = batched
            ? ml.Model.LoadWithBatchedScoring(CardioDetector.ModelPath, out _)
            : ml.Model.Load(CardioDetector.ModelPath, out _);
        var scored = model.Transform(CardioDetector.LoadTestRows(ml));

        var scores = scored.GetColumn<float>("Score").ToArray();
        var expected = CardioDetector.ExpectedScores();
        Assert.Equal(expected.Length, scores.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.Equal(expected[i], scores[i], 1e-4 * Math.Max(1, Math.Abs(expected[i])));
        Assert.InRange(ml.AnomalyDetection.Evaluate(scored).AreaUnderRocCurve, 0.9, 1.0);

        Assert.DoesNotContain(AppDomain.CurrentDomain.GetAssemblies(), a => a.GetName().Name!.StartsWith("TorchSharp", StringComparison.Ordinal));
        Assert.Empty(Directory.EnumerateFiles(AppContext.BaseDirectory, "*torch*", SearchOption.AllDirectories));
    }

    [Fact]
    public void AModelBuiltFromWeightsScoresInBatchesAndRowByRowAlike()
    {
        var random = new Random(5);
        DenseLayer Layer(int inputs, int outputs) => new(inputs, outputs,
            Enumerable.Range(0, inputs * outputs).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray(),
            Enumerable.Range(0, outputs).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray());
        var model = new VaeModel(VaeActivation.Tanh, VaeLikelihood.Gaussian, [Layer(4, 8)], Layer(8, 2), Layer(8, 2), [Layer(2, 8)], Layer(8, 4), new float[4]);
        var detector = new VaeAnomalyDetectionTransformer(model, "Features", threshold: 10);

        var ml = new MLContext(seed: 0);
        var rows = Enumerable.Range(0, 3000).Select(_ => new Row { Features = Enumerable.Range(0, 4).Select(_ => (float)random.NextDouble()).ToArray() }).ToArray();
        var scores = detector.Transform(ml.Data.LoadFromEnumerable(rows)).GetColumn<float>("Score").ToArray();
        var engine = ml.Model.CreatePredictionEngine<Row, Prediction>(detector);

        for (int i = 0; i < rows.Length; i += 101)
            Assert.Equal(scores[i], engine.Predict(rows[i]).Score, 1e-5 * Math.Max(1, Math.Abs(scores[i])));
    }

    private sealed class Row
    {
        [VectorType(4)]
        public float[] Features { get; set; } = [];
    }

    private sealed class Prediction
    {
        public float Score { get; set; }
    }
}
