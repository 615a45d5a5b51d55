using Vae.MLNet.Cli;

namespace Vae.MLNet.Tests;

/// <summary>What <c>evaluate</c> reports of a threshold: its figures, and the threshold itself in JSON.</summary>
public class ThresholdFiguresTests
{
    private static readonly float[] Scores = [1f, 2f, 3f, 4f];
    private static readonly bool[] Anomalies = [false, false, false, true];

    [Fact]
    public void AThresholdThatFlagsNothingAndOneThatFlagsEveryRowAreReportedApart()
    {
        var none = ThresholdFigures.At(float.PositiveInfinity, Scores, Anomalies).ToJson().ToDictionary();
        var all = ThresholdFigures.At(float.NegativeInfinity, Scores, Anomalies).ToJson().ToDictionary();

        Assert.Equal("Infinity", none["threshold"]);
        Assert.Equal(0.0, none["false_positive_rate"]);
        Assert.Null(none["precision_at_threshold"]);
        Assert.Equal("-Infinity", all["threshold"]);
        Assert.Equal(1.0, all["false_positive_rate"]);
        Assert.Equal(1.0, all["recall_at_threshold"]);
    }

    [Fact]
    public void AFiniteThresholdIsANumberWithTheSharesItFlags()
    {
        var figures = ThresholdFigures.At(2.5f, Scores, Anomalies).ToJson("c0.1_").ToDictionary();

        Assert.Equal(2.5f, figures["c0.1_threshold"]);
        Assert.Equal(Math.Round(1 / 3.0, 6), figures["c0.1_false_positive_rate"]);
        Assert.Equal(0.5, figures["c0.1_precision_at_threshold"]);
    }
}
