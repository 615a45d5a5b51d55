using Vae.MLNet.Training;
using static TorchSharp.torch;

namespace Vae.MLNet.Tests;

public class LossTests
{
    [Fact]
    public void KlDivergenceMatchesTheClosedFormComputedByHand()
    {
        using var mean = tensor(new float[] { 0, 0, 1, -2 }, 2, 2);
        using var logVariance = tensor(new float[] { 0, 0, (float)Math.Log(4), 0 }, 2, 2);
        using var kl = VaeLoss.KlDivergence(mean, logVariance);
        var values = kl.data<float>().ToArray();

        // Row 0 is the prior itself. Row 1: -1/2 [(1 + ln 4 - 1 - 4) + (1 + 0 - 4 - 1)] = 1.5 - ln 4 / 2 + 2.
        Assert.Equal(0, values[0], 6);
        Assert.Equal(0.5 * (4 - 1 - Math.Log(4) + 1) + 0.5 * 4, values[1], 5);
    }

    [Fact]
    public void GaussianReconstructionIsTheNegativeLogDensity()
    {
        using var x = tensor(new float[] { 1, 2 }, 1, 2);
        using var mean = tensor(new float[] { 0, 2 }, 1, 2);
        using var logVariance = tensor(new float[] { 0, (float)Math.Log(0.25) });
        using var nll = VaeLoss.Reconstruction(x, mean, logVariance, VaeLikelihood.Gaussian);

        double expected = 0.5 * (1 + Math.Log(2 * Math.PI)) + 0.5 * (0 + Math.Log(0.25) + Math.Log(2 * Math.PI));
        Assert.Equal(expected, nll.item<float>(), 5);
    }

    [Fact]
    public void BernoulliReconstructionIsTheBinaryCrossEntropyOfTheLogits()
    {
        using var x = tensor(new float[] { 1, 0, 0.5f }, 1, 3);
        using var logits = tensor(new float[] { 2, -1, 0 }, 1, 3);
        using var nll = VaeLoss.Reconstruction(x, logits, zeros(3), VaeLikelihood.Bernoulli);

        static double Sigmoid(double l) => 1 / (1 + Math.Exp(-l));
        double expected = -Math.Log(Sigmoid(2)) - Math.Log(1 - Sigmoid(-1)) - Math.Log(0.5);
        Assert.Equal(expected, nll.item<float>(), 5);
    }

    [Theory]
    [InlineData(VaeLikelihood.Gaussian)]
    [InlineData(VaeLikelihood.Bernoulli)]
    public void TheTrainingSumsAreThePerRowTermsSummedWithoutTheConstant(VaeLikelihood likelihood)
    {
        using var x = tensor(new float[] { 0.1f, 0.9f, 0.5f, 0, 1, 0.3f }, 2, 3);
        using var decoded = tensor(new float[] { 0.5f, -1, 2, 0.2f, 0.7f, -0.4f }, 2, 3);
        using var outputLogVariance = tensor(new float[] { 0, -1, 0.5f });
        using var mean = tensor(new float[] { 0.3f, -2, 1, 0 }, 2, 2);
        using var logVariance = tensor(new float[] { -1, 0.5f, 0, 2 }, 2, 2);

        using var perRow = VaeLoss.Reconstruction(x, decoded, outputLogVariance, likelihood);
        using var sum = VaeLoss.ReconstructionSum(x, decoded, outputLogVariance, likelihood);
        Assert.Equal(perRow.sum().item<float>(), sum.item<float>() + 2 * VaeLoss.ConstantPerRow(likelihood, 3), 4);
        using var kl = VaeLoss.KlDivergence(mean, logVariance);
        using var klSum = VaeLoss.KlDivergenceSum(mean, logVariance);
        Assert.Equal(kl.sum().item<float>(), klSum.item<float>(), 5);
    }
}
