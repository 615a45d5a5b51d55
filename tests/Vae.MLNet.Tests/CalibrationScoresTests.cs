namespace Vae.MLNet.Tests;

/// <summary>The split-conformal threshold and p-value against direct computations and their promises.</summary>
public class CalibrationScoresTests
{
    [Theory]
    [InlineData(19, 0.05)]
    [InlineData(99, 0.01)]
    [InlineData(100, 0.01)]
    [InlineData(37, 0.1)]
    [InlineData(250, 0.05)]
    public void TheThresholdIsTheConformalRankOfTheSortedScores(int n, double alpha)
    {
        // Scores rounded to a tenth, so that many are tied.
        var random = new Random(n);
        var scores = Enumerable.Range(0, n).Select(_ => MathF.Round((float)random.NextDouble() * 5, 1)).ToArray();
        var sorted = scores.Order().ToArray();
        // The smallest k with k ≥ (n + 1)(1 − α), counted in whole numbers: k·100 ≥ (n + 1)(100 − 100α).
        int percent = (int)Math.Round(alpha * 100);
        int rank = Enumerable.Range(1, n + 1).First(k => k * 100 >= (n + 1) * (100 - percent));

        float threshold = CalibrationScores.FromScores(scores).ThresholdFor(alpha);

        Assert.Equal(rank <= n ? sorted[rank - 1] : float.PositiveInfinity, threshold);
    }

    [Fact]
    public void TooFewScoresForTheRateGiveAThresholdThatFlagsNothing()
    {
        // 1/(n + 1) = 0.05 is the smallest rate 19 scores can promise; 0.04 needs 24.
        var calibration = CalibrationScores.FromScores(Enumerable.Range(0, 19).Select(i => (float)i).ToArray());

        Assert.Equal(18f, calibration.ThresholdFor(0.05));
        Assert.Equal(float.PositiveInfinity, calibration.ThresholdFor(0.04));
        Assert.Equal(float.PositiveInfinity, calibration.ThresholdFor(0));
        Assert.Equal(float.NegativeInfinity, calibration.ThresholdFor(1));
        Assert.Equal(0.05, calibration.SmallestFalseAlarmRate, 12);
    }

    [Fact]
    public void ThePValueCountsTheScoresAtOrAboveWithThePlusOneCorrection()
    {
        var scores = new float[] { 1, 2, 2, 2, 3, 5, 5, 8 };
        var calibration = CalibrationScores.FromScores(scores);

        foreach (float score in new float[] { 0, 1, 1.5f, 2, 2.5f, 3, 5, 7, 8, 9 })
            Assert.Equal((1 + scores.Count(s => s >= score)) / 9f, calibration.PValue(score), 6);
    }

    [Trait("Category", "Slow")]
    [Theory]
    [InlineData(0.01, 199)]
    [InlineData(0.05, 60)]
    [InlineData(0.1, 30)]
    public void OverExchangeableScoreSetsTheFlagRateStaysAtMostTheRate(double alpha, int n)
    {
        // Each trial: n calibration scores and one new score from one distribution (with ties), as a new normal row is.
        const int trials = 20000;
        var random = new Random(7);
        int flagged = 0;
        for (int trial = 0; trial < trials; trial++)
        {
            var scores = Draw(random, n);
            flagged += Draw(random, 1)[0] > CalibrationScores.FromScores(scores).ThresholdFor(alpha) ? 1 : 0;
        }

        double rate = flagged / (double)trials;
        // The promise is P(flag) ≤ α; with continuous scores it is ⌊(n + 1)α⌋ / (n + 1), which ties only lower.
        double exact = Math.Floor((n + 1) * alpha + 1e-9) / (n + 1);
        double samplingError = 4 * Math.Sqrt(alpha * (1 - alpha) / trials);
        Assert.InRange(rate, exact - samplingError - 0.01, alpha + samplingError);
    }

    [Fact]
    public void PValuesOfExchangeableRowsAreUniform()
    {
        const int n = 99, trials = 20000;
        var random = new Random(11);
        var pValues = new double[trials];
        for (int trial = 0; trial < trials; trial++)
            pValues[trial] = CalibrationScores.FromScores(Continuous(random, n)).PValue(Continuous(random, 1)[0]);

        // Kolmogorov–Smirnov distance to the uniform law: p takes the values k/(n + 1), so its CDF steps there, which adds
        // at most 1/(n + 1) to the distance; 1.95/√trials bounds the sampling part at the 0.1% level.
        Array.Sort(pValues);
        double distance = 0;
        for (int i = 0; i < trials; i++)
            distance = Math.Max(distance, Math.Max(Math.Abs((i + 1.0) / trials - pValues[i]), Math.Abs(i / (double)trials - pValues[i])));
        Assert.True(distance <= 1.0 / (n + 1) + 1.95 / Math.Sqrt(trials), $"KS distance {distance}");
        // And the promise at a few levels: P(p ≤ α) ≤ α.
        foreach (double alpha in new[] { 0.01, 0.05, 0.1, 0.5 })
            Assert.True(pValues.Count(p => p <= alpha) / (double)trials <= alpha + 4 * Math.Sqrt(alpha / trials), $"α = {alpha}");
    }

    [Fact]
    public void BadScoreSetsAreRefused()
    {
        Assert.Throws<ArgumentException>(() => CalibrationScores.FromScores([]));
        Assert.Throws<ArgumentException>(() => CalibrationScores.FromScores([1, float.NaN]));
        Assert.Throws<ArgumentException>(() => CalibrationScores.FromScores(new float[CalibrationScores.MaximumCount + 1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => CalibrationScores.FromScores([1]).ThresholdFor(1.5));
    }

    /// <summary>Gamma-like scores rounded to hundredths: skewed like anomaly scores, with ties.</summary>
    private static float[] Draw(Random random, int count) =>
        Continuous(random, count).Select(s => MathF.Round(s, 2)).ToArray();

    private static float[] Continuous(Random random, int count) =>
        Enumerable.Range(0, count).Select(_ => (float)(-Math.Log(1 - random.NextDouble()) - Math.Log(1 - random.NextDouble()))).ToArray();
}
