using Microsoft.ML;

namespace Vae.MLNet.Tests;

/// <summary>
/// The score's map by observed count (<see cref="ObservedCountScale"/>): fitted against hand-computed quantiles, checked
/// on construction, and computed by the graph as the map says.
/// </summary>
public sealed class ObservedCountScaleTests
{
    /// <summary>
    /// Three features. Count 3 has 300 scores 0 … 299 and count 2 the same scores doubled plus 5: equal in number, so the
    /// larger count is the reference, and count 2 maps back exactly (a = 0.5, b = −2.5). Count 1 has too few scores to
    /// enter the fit and takes its median and spread from the lines in u = log(F / k) through the two others.
    /// </summary>
    [Fact]
    public void TheMapPutsEachCountsMedianAndSpreadOnThoseOfTheReferenceAsComputedByHand()
    {
        var reference = Enumerable.Range(0, 300).Select(v => (float)v).ToArray();
        var doubled = reference.Select(v => 2 * v + 5).ToArray();
        var map = ObservedCountScale.FromGroups([[], [1f, 2f, 3f], doubled, reference])!;

        Assert.Equal(3, map.Features);
        Assert.Equal(1f, map.Scales[3]);
        Assert.Equal(0f, map.Offsets[3]);
        Assert.Equal(0.5f, map.Scales[2], 6);
        Assert.Equal(-2.5f, map.Offsets[2], 4);
        // By hand: the median 149.5 (type-7 quantile of 0 … 299), the spread 0.9 · 299 − 149.5 = 119.6; count 2's are
        // 304 and 239.2. Both counts' spreads are a fixed ratio apart, so the lines need only the medians and that ratio. Count 1 lies at u₁ = log 3 on the lines through u = 0 and u₂ = log 1.5.
        double median3 = 149.5, median2 = 2 * 149.5 + 5, u1 = Math.Log(3), u2 = Math.Log(1.5);
        double spreadRatio = Math.Exp(Math.Log(2) * u1 / u2);
        double median1 = median3 + (median2 - median3) * u1 / u2;
        double scale1 = 1 / spreadRatio;
        Assert.Equal(scale1, map.Scales[1], 5);
        Assert.Equal(median3 - scale1 * median1, map.Offsets[1], 3);
        Assert.Equal(1f, map.Scales[0]);
    }

    [Fact]
    public void TooFewScoresInEveryCountGiveNoMap() =>
        Assert.Null(ObservedCountScale.FromGroups([[], [1f, 2f], [3f]]));

    [Theory]
    [InlineData(new[] { 1f, float.NaN }, new[] { 0f, 0f }, "count 1 holds NaN")]
    [InlineData(new[] { 1f, 0f }, new[] { 0f, 0f }, "count 1 holds 0")]
    [InlineData(new[] { 1f, 1f }, new[] { 0f, float.PositiveInfinity }, "Every offset must be finite")]
    [InlineData(new[] { 1f, 1f }, new[] { 0f }, "as many scales as offsets")]
    public void AMapOfBadValuesIsRefused(float[] scales, float[] offsets, string expected) =>
        Assert.Contains(expected, Assert.Throws<ArgumentException>(() => new ObservedCountScale(scales, offsets)).Message);

    /// <summary>
    /// A trained detector of missing values scores a row with k observed features aₖ times the unmapped score plus bₖ,
    /// in the graph the ML.NET transform runs; a detector that refuses missing values takes no map.
    /// </summary>
    [Fact]
    public void TheGraphScoresEachRowWithItsCountsPair()
    {
        var ml = new MLContext(seed: 1);
        var detector = ml.AnomalyDetection.Trainers.Vae(new Training.VaeAnomalyDetectionTrainer.Options
        {
            MissingValues = VaeMissingValues.Model, Epochs = 5, Seed = 1, LatentDimension = 3, HiddenLayerSizes = [32],
        }).Fit(TestData.ToDataView(ml, TestData.Gaussian(400, 0, seed: 0)));
        var map = detector.Scoring.ObservedCountScale;
        Assert.NotNull(map);
        Assert.Equal(6, map.Features);
        Assert.Contains(map.Scales, a => a != 1);

        var rows = TestData.Gaussian(200, 10, seed: 3);
        TestData.HideCells(rows, 0.5, seed: 4);
        var data = TestData.ToDataView(ml, rows);
        var mapped = TestData.Column(detector.Transform(data), "Score");
        var unmapped = TestData.Column(new VaeAnomalyDetectionTransformer(detector.Model, "Features", 0,
            scoring: detector.Scoring with { ObservedCountScale = null }).Transform(data), "Score");
        for (int i = 0; i < rows.Length; i++)
        {
            int k = rows[i].Features.Count(v => !float.IsNaN(v));
            Assert.Equal(map.Scales[k] * unmapped[i] + map.Offsets[k], mapped[i], 1e-3f * Math.Max(1, Math.Abs(mapped[i])));
        }

        Assert.Contains("covers rows of up to 2 observed features, but the model reads 6", Assert.Throws<ArgumentException>(() =>
            new VaeAnomalyDetectionTransformer(detector.Model, "Features", 0,
                scoring: detector.Scoring with { ObservedCountScale = new ObservedCountScale([1, 1, 1], [0, 0, 0]) })).Message);
        var refusing = ml.AnomalyDetection.Trainers.Vae(new Training.VaeAnomalyDetectionTrainer.Options { Epochs = 1, Seed = 1 })
            .Fit(TestData.ToDataView(ml, TestData.Gaussian(400, 0, seed: 0)));
        Assert.Null(refusing.Scoring.ObservedCountScale);
        Assert.Contains("for a model of missing values", Assert.Throws<ArgumentException>(() =>
            new VaeAnomalyDetectionTransformer(refusing.Model, "Features", 0, scoring: detector.Scoring)).Message);
    }
}
