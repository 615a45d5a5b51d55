using static TorchSharp.torch;

namespace Vae.MLNet.Training;

/// <summary>The two terms of the negative ELBO, in nats: per row for scores, or summed over a batch for training.</summary>
internal static class VaeLoss
{
    private static readonly double HalfLog2Pi = 0.5 * Math.Log(2 * Math.PI);

    /// <summary>−log p(x|z) for each row, summed over features (over the observed ones when cells are missing).</summary>
    /// <param name="x">The rows, [N, D]; a missing cell holds any finite value, which the mask leaves out.</param>
    /// <param name="decoded">The decoder output: the Gaussian mean or the Bernoulli logits, [N, D].</param>
    /// <param name="outputLogVariance">Per-feature log σ² of the Gaussian, [D]; null for σ = 1; ignored for Bernoulli.</param>
    /// <param name="likelihood">The decoder's distribution.</param>
    /// <param name="observed">The mask, [N, D], 1 for an observed cell and 0 for a missing one; null when every cell is observed.</param>
    public static Tensor Reconstruction(Tensor x, Tensor decoded, Tensor? outputLogVariance, VaeLikelihood likelihood, Tensor? observed = null) =>
        observed is null
            // The constant ½·D·log 2π is added per row, not per feature: one small op instead of one over the whole batch.
            ? ReconstructionTerms(x, decoded, outputLogVariance, likelihood).sum(1) + ConstantPerRow(likelihood, x.shape[1])
            : (ReconstructionTerms(x, decoded, outputLogVariance, likelihood) * observed).sum(1) + observed.sum(1) * ConstantPerRow(likelihood, 1);

    /// <summary>
    /// The batch's summed −log p(x|z) without the constant <see cref="ConstantPerRow"/> per row, which has no
    /// gradient: the training loss, one reduction and no constant op per mini-batch, where small networks spend
    /// their time on the number of ops rather than their size.
    /// </summary>
    /// <remarks>With <paramref name="observed"/>, the masked sum of MIWAE: a missing cell adds nothing, nor any gradient.</remarks>
    public static Tensor ReconstructionSum(Tensor x, Tensor decoded, Tensor? outputLogVariance, VaeLikelihood likelihood, Tensor? observed = null) =>
        observed is null
            ? ReconstructionTerms(x, decoded, outputLogVariance, likelihood).sum()
            : (ReconstructionTerms(x, decoded, outputLogVariance, likelihood) * observed).sum();

    /// <summary>
    /// The part of −log p(x|z) per row that does not depend on the weights: ½·D·log 2π for the Gaussian, with D the
    /// observed cells of a row (on average, for a loss summed over rows with missing cells).
    /// </summary>
    public static double ConstantPerRow(VaeLikelihood likelihood, double dimension) =>
        likelihood == VaeLikelihood.Gaussian ? dimension * HalfLog2Pi : 0;

    /// <summary>KL(N(μ, σ²) ‖ N(0, I)) for each row, in closed form: −½ Σ (1 + log σ² − μ² − σ²).</summary>
    public static Tensor KlDivergence(Tensor mean, Tensor logVariance) => -0.5 * KlTerms(mean, logVariance).sum(1);

    /// <summary>The batch's summed KL divergence.</summary>
    public static Tensor KlDivergenceSum(Tensor mean, Tensor logVariance) => -0.5 * KlTerms(mean, logVariance).sum();

    private static Tensor ReconstructionTerms(Tensor x, Tensor decoded, Tensor? outputLogVariance, VaeLikelihood likelihood) => likelihood switch
    {
        VaeLikelihood.Gaussian when outputLogVariance is null => 0.5 * (x - decoded).square(),
        VaeLikelihood.Gaussian => 0.5 * ((x - decoded).square() * exp(-outputLogVariance) + outputLogVariance),
        VaeLikelihood.Bernoulli => nn.functional.binary_cross_entropy_with_logits(decoded, x, reduction: nn.Reduction.None),
        _ => throw new ArgumentOutOfRangeException(nameof(likelihood), likelihood, "Unknown likelihood."),
    };

    private static Tensor KlTerms(Tensor mean, Tensor logVariance) => 1 + logVariance - mean.square() - logVariance.exp();
}
