namespace Vae.MLNet;

/// <summary>The decoder's distribution p(x|z), which sets the reconstruction term of the loss and of the score.</summary>
public enum VaeLikelihood
{
    /// <summary>
    /// Independent Gaussians with the decoder output as mean and a per-feature variance σ²ⱼ (fixed at 1 or learned):
    /// −log p(x|z) = ½ Σⱼ [(xⱼ − x̂ⱼ)²/σ²ⱼ + log σ²ⱼ + log 2π]. For real-valued, standardized features.
    /// </summary>
    Gaussian,

    /// <summary>
    /// Independent Bernoullis with the decoder output as logits lⱼ: −log p(x|z) = Σⱼ [softplus(lⱼ) − xⱼ·lⱼ].
    /// For features in [0, 1], such as pixel intensities; the reconstruction is sigmoid(lⱼ).
    /// </summary>
    Bernoulli,
}
