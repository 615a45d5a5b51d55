namespace Vae.MLNet;

/// <summary>How the anomaly score is computed: the kind and its parameters.</summary>
/// <param name="Kind">The score; the detector's default is <see cref="Defaults.Kind"/>.</param>
/// <param name="Samples">Draws per row for <see cref="VaeScoreKind.MonteCarloElbo"/> and <see cref="VaeScoreKind.ImportanceWeighted"/>.</param>
/// <param name="Seed">Seed of the draws. The same ε is used for every row (common random numbers), so a row's score
/// depends only on the row and the seed, not on its position, batch or thread.</param>
/// <param name="LatentDensityWeight">Weight w of −log q(μ) in the <see cref="VaeScoreKind.AggregatePosterior"/> score.</param>
/// <param name="MinorComponentWeight">Weight v of the minor-component term ½ Σᵢ ((x − mean)·wᵢ)² that the
/// <see cref="VaeScoreKind.AggregatePosterior"/> score adds when the model has <see cref="VaeModel.MinorComponents"/>
/// (0 leaves the score as it was before them).</param>
/// <param name="ObservedCountScale">For a model of missing values, the map of the score by the row's count of observed
/// features that puts rows missing more cells on the scale of complete ones; the detector's training fits it on its
/// calibration rows. Null (the default, and every model that refuses missing values) leaves the score as its kind computes it.</param>
public sealed record VaeScoring(VaeScoreKind Kind, int Samples = VaeScoring.Defaults.Samples, int Seed = VaeScoring.Defaults.Seed,
    double LatentDensityWeight = VaeScoring.Defaults.LatentDensityWeight, double MinorComponentWeight = VaeScoring.Defaults.MinorComponentWeight,
    ObservedCountScale? ObservedCountScale = null)
{
    /// <summary>
    /// The most draws per row of a sampled score (and of <see cref="VaeImputeTransformer"/>): 10,000, twice the 5,000
    /// with which the IWAE paper estimates log-likelihoods. Every draw's ε is stored in the graph and a block of rows is
    /// decoded once per draw, so memory and time grow with the count; <see cref="int.MaxValue"/> draws failed after
    /// training, sizing their ε.
    /// </summary>
    public const int MaximumSamples = 10000;

    /// <summary>The anomaly detector's default scoring, in one place: its options and this record start from these.</summary>
    public static class Defaults
    {
        /// <summary>The score: <see cref="VaeScoreKind.AggregatePosterior"/> (docs/quality.md compares the kinds).</summary>
        public const VaeScoreKind Kind = VaeScoreKind.AggregatePosterior;

        /// <summary>Draws per row of a sampled score: 10.</summary>
        public const int Samples = 10;

        /// <summary>Seed of the draws: 0.</summary>
        public const int Seed = 0;

        /// <summary>
        /// Weight of the latent density: 2 (docs/quality.md compares 1, 2 and 3). The detector trained without a
        /// weight uses it on up to as many rows as it keeps codes, less beyond (<see cref="LatentDensityWeightFor"/>).
        /// </summary>
        public const double LatentDensityWeight = 2;

        /// <summary>
        /// The detector's weight of the latent density when none is given: <see cref="LatentDensityWeight"/> times
        /// min(1, <paramref name="trainingCodes"/> / <paramref name="rows"/>), so 2 while the kept codes can be as many
        /// as the training rows, and falling as rows outnumber them. On large data sets the reconstruction term ranks
        /// rows better than the density of a code among a sample of the training codes (docs/quality.md, "A latent
        /// weight from the rows": judged leave-one-dataset-out on the 14 shared data sets, and the only rule of its
        /// family that each 13 chose).
        /// </summary>
        /// <param name="rows">Rows the detector trains on, those held out for early stopping included.</param>
        /// <param name="trainingCodes">Codes the model keeps at most (<c>TrainingCodeCount</c>).</param>
        public static double LatentDensityWeightFor(long rows, int trainingCodes)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
            ArgumentOutOfRangeException.ThrowIfLessThan(trainingCodes, 1);
            return LatentDensityWeight * Math.Min(1.0, (double)trainingCodes / rows);
        }

        /// <summary>
        /// Weight of the minor-component term: 0.5 (docs/quality.md, "The minor-component term"). Chosen for the
        /// anomalies it targets, rows that leave the directions in which normal rows barely vary: on synthetic data of
        /// that shape it lifts AUROC by 0.1 to 0.3 over the earlier 0.05, while the 14 shared data sets and the shape
        /// suite (few features, few rows) move by less than 0.001, their seed noise. Leave-one-dataset-out on the 14 alone
        /// picks the smallest weight, since none of them has such anomalies. Only models of one real column that refuse
        /// missing values have the components.
        /// </summary>
        public const double MinorComponentWeight = 0.5;
    }

    /// <summary>The largest <see cref="LatentDensityWeight"/>: beyond it the reconstruction term no longer counts.</summary>
    public const double MaximumLatentDensityWeight = 1000;

    /// <summary>
    /// The negative ELBO at z = μ, which every model can compute, even one without training codes: the score of a
    /// file that does not say how it scores, and of the graphs that compute no score worth the codes' cost (the
    /// featurizer's, the decoder's). Not the detector's default, <see cref="Defaults.Kind"/>.
    /// </summary>
    public static VaeScoring NegativeElboAtMean { get; } = new(VaeScoreKind.NegativeElbo);

    /// <summary>
    /// The score of a detector built on <paramref name="model"/> without a choice, and of the model's own file and
    /// export: the detector's default (<see cref="Defaults.Kind"/>) for a model with training codes (every trained
    /// one), so that its file keeps them; <see cref="NegativeElboAtMean"/> otherwise.
    /// </summary>
    internal static VaeScoring For(VaeModel model) =>
        model.TrainingCodes is null ? NegativeElboAtMean : new VaeScoring(Defaults.Kind);

    /// <summary>Whether the score draws latent samples.</summary>
    public bool IsSampled => VaeScoreGraph.IsSampled(Kind);

    /// <summary>
    /// Rows to score per ONNX Runtime run, out of <paramref name="rows"/>: fewer for a sampled score, whose run holds
    /// every draw of every row at once (about 1.2 MB a draw for 1,024 rows of 6 features: 1.4 GB at 1,000 draws, and
    /// 12 GB at the most), so that a run holds no more draws than <paramref name="rows"/> rows at the default
    /// <see cref="Defaults.Samples"/>. The draws are the same for every row, so the scores do not depend on it.
    /// </summary>
    internal int RowsPerRun(int rows) => IsSampled ? RowsPerRun(rows, Samples) : rows;

    /// <summary>
    /// Rows to score per run, out of <paramref name="rows"/>, for a graph of <paramref name="draws"/> draws a row (a
    /// sampled score, the imputer): a run holds as many draws as <paramref name="rows"/> rows at the default
    /// <see cref="Defaults.Samples"/>.
    /// </summary>
    internal static int RowsPerRun(int rows, int draws) => (int)Math.Clamp((long)rows * Defaults.Samples / draws, 1, rows);

    internal void Validate()
    {
        if (!Enum.IsDefined(Kind))
            throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "Unknown score kind.");
        if (IsSampled && Samples is < 1 or > MaximumSamples)
            throw new ArgumentOutOfRangeException(nameof(Samples), Samples, $"A sampled score needs 1 to {MaximumSamples} draws (the detector's ScoreSamples).");
        // Bounded so that the weighted density, computed in float, stays finite.
        if (!(LatentDensityWeight is >= 0 and <= MaximumLatentDensityWeight))
            throw new ArgumentOutOfRangeException(nameof(LatentDensityWeight), LatentDensityWeight, $"The latent density's weight must be in [0, {MaximumLatentDensityWeight}].");
        if (!(MinorComponentWeight is >= 0 and <= MaximumLatentDensityWeight))
            throw new ArgumentOutOfRangeException(nameof(MinorComponentWeight), MinorComponentWeight, $"The minor components' weight must be in [0, {MaximumLatentDensityWeight}].");
    }

    /// <summary>Checks the parameters, and that they are for <paramref name="model"/>.</summary>
    internal void Validate(VaeModel model)
    {
        Validate();
        ObservedCountScale?.CheckFits(model);
    }
}
