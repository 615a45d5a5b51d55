namespace Vae.MLNet;

/// <summary>A sequence of latent vectors and their decoded rows, from an interpolation or a traversal.</summary>
/// <param name="Latents">The latent vectors, [steps][k].</param>
/// <param name="Decoded">The decoder's output for each, [steps][D] (means, or probabilities for a Bernoulli likelihood).</param>
public sealed record LatentPath(float[][] Latents, float[][] Decoded);
