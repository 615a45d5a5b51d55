namespace Vae.MLNet;

/// <summary>How the anomaly detector scores a row; every choice is deterministic for a given seed.</summary>
public enum VaeScoreKind
{
    /// <summary>
    /// Negative ELBO at z = μ: the reconstruction negative log-likelihood of the posterior mean plus
    /// KL(q(z|x) ‖ N(0, I)). No sampling, one decoder pass.
    /// </summary>
    NegativeElbo,

    /// <summary>
    /// Reconstruction negative log-likelihood at z = μ only: what an autoencoder detector uses. Helps when anomalies
    /// look like normal rows in the latent space but do not reconstruct.
    /// </summary>
    Reconstruction,

    /// <summary>
    /// KL(q(z|x) ‖ N(0, I)) only: how far the posterior lies from the prior. Flags rows the encoder maps far out,
    /// cheap (no decoder pass), but blind to rows that encode normally and reconstruct badly.
    /// </summary>
    KlDivergence,

    /// <summary>
    /// Monte Carlo negative ELBO: the reconstruction term averaged over <see cref="VaeScoring.Samples"/> draws
    /// z = μ + σ ⊙ ε, plus the KL term. Accounts for the posterior's spread at L decoder passes per row.
    /// </summary>
    MonteCarloElbo,

    /// <summary>
    /// Importance-weighted estimate of −log p(x) with K = <see cref="VaeScoring.Samples"/> draws (the IWAE bound):
    /// −log (1/K Σₖ p(x|zₖ) p(zₖ) / q(zₖ|x)). K = 1 is a one-sample ELBO; larger K tightens it toward −log p(x).
    /// The most faithful likelihood, at K decoder passes per row.
    /// </summary>
    ImportanceWeighted,

    /// <summary>
    /// The reconstruction negative log-likelihood at z = μ plus w·(−log q(μ)), with q(z) = 1/M Σᵢ q(z|xᵢ) the aggregate
    /// posterior of the training rows (<see cref="VaeModel.TrainingCodes"/>) and w =
    /// <see cref="VaeScoring.LatentDensityWeight"/>. The prior N(0, I) is what the encoder is pulled toward, the
    /// aggregate posterior is where it actually puts normal rows: a row whose code falls between or beyond the
    /// training codes is flagged even if it reconstructs well. A model with <see cref="VaeModel.MinorComponents"/> adds
    /// v·½ Σᵢ ((x − mean)·wᵢ)² (v = <see cref="VaeScoring.MinorComponentWeight"/>), which flags rows that leave the
    /// directions in which the training rows barely vary. The detector's default: the best mean AUROC of the choices on
    /// the shared datasets (docs/quality.md). No sampling; one decoder pass and a product with the M codes.
    /// </summary>
    AggregatePosterior,
}
