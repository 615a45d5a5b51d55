using static TorchSharp.torch;

namespace Vae.MLNet.Training;

/// <summary>The two terms of the negative ELBO, per row, in nats.</summary>
internal static class VaeLoss
{
    private static readonly double Log2Pi = Math.Log(2 * Math.PI);

    /// <summary>−log p(x|z) for each row, summed over features.</summary>
    /// <param name="x">The rows, [N, D].</param>
    /// <param name="decoded">The decoder output: the Gaussian mean or the Bernoulli logits, [N, D].</param>
    /// <param name="outputLogVariance">Per-feature log σ² of the Gaussian, [D]; ignored for Bernoulli.</param>
    /// <param name="likelihood">The decoder's distribution.</param>
    public static Tensor Reconstruction(Tensor x, Tensor decoded, Tensor outputLogVariance, VaeLikelihood likelihood) => likelihood switch
    {
        // The constant ½·D·log 2π is added per row, not per feature: one small op instead of one over the whole batch.
        VaeLikelihood.Gaussian => 0.5 * ((x - decoded).square() * exp(-outputLogVariance) + outputLogVariance).sum(1) + 0.5 * x.shape[1] * Log2Pi,
        VaeLikelihood.Bernoulli => nn.functional.binary_cross_entropy_with_logits(decoded, x, reduction: nn.Reduction.None).sum(1),
        _ => throw new ArgumentOutOfRangeException(nameof(likelihood), likelihood, "Unknown likelihood."),
    };

    /// <summary>KL(N(μ, σ²) ‖ N(0, I)) for each row, in closed form: −½ Σ (1 + log σ² − μ² − σ²).</summary>
    public static Tensor KlDivergence(Tensor mean, Tensor logVariance) =>
        -0.5 * (1 + logVariance - mean.square() - logVariance.exp()).sum(1);
}
