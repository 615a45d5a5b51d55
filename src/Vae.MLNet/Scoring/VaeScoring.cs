namespace Vae.MLNet;

/// <summary>How the anomaly score is computed: the kind, and for the sampled kinds the number of draws and their seed.</summary>
/// <param name="Kind">The score.</param>
/// <param name="Samples">Draws per row for <see cref="VaeScoreKind.MonteCarloElbo"/> and <see cref="VaeScoreKind.ImportanceWeighted"/>.</param>
/// <param name="Seed">Seed of the draws. The same ε is used for every row (common random numbers), so a row's score
/// depends only on the row and the seed, not on its position, batch or thread.</param>
public sealed record VaeScoring(VaeScoreKind Kind = VaeScoreKind.NegativeElbo, int Samples = 10, int Seed = 0)
{
    /// <summary>The negative ELBO at z = μ.</summary>
    public static VaeScoring Default { get; } = new();

    /// <summary>Whether the score draws latent samples.</summary>
    public bool IsSampled => Kind is VaeScoreKind.MonteCarloElbo or VaeScoreKind.ImportanceWeighted;

    internal void Validate()
    {
        if (!Enum.IsDefined(Kind))
            throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "Unknown score kind.");
        if (IsSampled && Samples < 1)
            throw new ArgumentOutOfRangeException(nameof(Samples), Samples, "A sampled score needs at least one draw.");
    }
}
