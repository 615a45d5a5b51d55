namespace Vae.MLNet;

/// <summary>How the anomaly score is computed: the kind and its parameters.</summary>
/// <param name="Kind">The score.</param>
/// <param name="Samples">Draws per row for <see cref="VaeScoreKind.MonteCarloElbo"/> and <see cref="VaeScoreKind.ImportanceWeighted"/>.</param>
/// <param name="Seed">Seed of the draws. The same ε is used for every row (common random numbers), so a row's score
/// depends only on the row and the seed, not on its position, batch or thread.</param>
/// <param name="LatentDensityWeight">Weight w of −log q(μ) in the <see cref="VaeScoreKind.AggregatePosterior"/> score.</param>
public sealed record VaeScoring(VaeScoreKind Kind = VaeScoreKind.NegativeElbo, int Samples = 10, int Seed = 0,
    double LatentDensityWeight = VaeScoring.DefaultLatentDensityWeight)
{
    /// <summary>
    /// The default weight of the latent density: 2, the best of 1, 2 and 3 over the shared datasets (docs/quality.md).
    /// </summary>
    public const double DefaultLatentDensityWeight = 2;

    /// <summary>The largest <see cref="LatentDensityWeight"/>: beyond it the reconstruction term no longer counts.</summary>
    public const double MaximumLatentDensityWeight = 1000;

    /// <summary>
    /// The negative ELBO at z = μ, which every model can compute; the detector's own default is
    /// <see cref="VaeScoreKind.AggregatePosterior"/>, which needs the codes that training stores.
    /// </summary>
    public static VaeScoring Default { get; } = new();

    /// <summary>
    /// The score of a detector built on <paramref name="model"/> without a choice, and of the model's own file and
    /// export: the trainer's default, <see cref="VaeScoreKind.AggregatePosterior"/>, for a model with training codes
    /// (every trained one), so that its file keeps them; the negative ELBO otherwise.
    /// </summary>
    internal static VaeScoring For(VaeModel model) =>
        model.TrainingCodes is null ? Default : new VaeScoring(VaeScoreKind.AggregatePosterior);

    /// <summary>Whether the score draws latent samples.</summary>
    public bool IsSampled => Kind is VaeScoreKind.MonteCarloElbo or VaeScoreKind.ImportanceWeighted;

    internal void Validate()
    {
        if (!Enum.IsDefined(Kind))
            throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "Unknown score kind.");
        if (IsSampled && Samples < 1)
            throw new ArgumentOutOfRangeException(nameof(Samples), Samples, "A sampled score needs at least one draw.");
        // Bounded so that the weighted density, computed in float, stays finite.
        if (!(LatentDensityWeight is >= 0 and <= MaximumLatentDensityWeight))
            throw new ArgumentOutOfRangeException(nameof(LatentDensityWeight), LatentDensityWeight, $"The latent density's weight must be in [0, {MaximumLatentDensityWeight}].");
    }
}
