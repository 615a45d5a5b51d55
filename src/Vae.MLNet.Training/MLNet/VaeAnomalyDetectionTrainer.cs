using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Vae.MLNet.Training;

/// <summary>
/// Trains a VAE anomaly detector: the model learns the training rows (assumed mostly normal; labels are not used)
/// and scores each row by its reconstruction error plus how rare its code is among the training codes (see
/// <see cref="Options.Score"/> for the negative ELBO and the other choices). The threshold comes from the
/// training scores (<see cref="Options.Contamination"/>) or is given. Create it with
/// <c>mlContext.AnomalyDetection.Trainers.Vae</c>; its output works with <c>mlContext.AnomalyDetection.Evaluate</c>.
/// </summary>
public sealed class VaeAnomalyDetectionTrainer : IEstimator<VaeAnomalyDetectionTransformer>
{
    /// <summary>Options of the VAE anomaly detector.</summary>
    public sealed class Options : VaeTrainingOptions
    {
        /// <summary>The features: a known-size vector of Single, standardized (e.g. NormalizeMeanVariance). Default "Features".</summary>
        public string FeatureColumnName = "Features";

        /// <summary>
        /// Expected fraction of anomalies among the training rows: the threshold is the training scores'
        /// (1 − contamination) quantile. Ignored when <see cref="Threshold"/> is set. Default 0.1, PyOD's default.
        /// </summary>
        public double Contamination = 0.1;

        /// <summary>An explicit score threshold; rows scoring above it are anomalies. Default null: from <see cref="Contamination"/>.</summary>
        public float? Threshold;

        /// <summary>
        /// How rows are scored (see <see cref="VaeScoreKind"/>). Default <see cref="VaeScoreKind.AggregatePosterior"/>:
        /// the reconstruction error plus how rare the row's code is among the training rows' codes.
        /// </summary>
        public VaeScoreKind Score = VaeScoreKind.AggregatePosterior;

        /// <summary>
        /// Weight of the code's rarity, −log q(μ), in the <see cref="VaeScoreKind.AggregatePosterior"/> score. Default 2
        /// (<see cref="VaeScoring.DefaultLatentDensityWeight"/>).
        /// </summary>
        public double LatentDensityWeight = VaeScoring.DefaultLatentDensityWeight;

        /// <summary>Draws per row (L or K) for <see cref="VaeScoreKind.MonteCarloElbo"/> and <see cref="VaeScoreKind.ImportanceWeighted"/>. Default 10.</summary>
        public int ScoreSamples = 10;

        /// <summary>Seed of the scoring draws (the same ε for every row, so scores are deterministic). Default 0.</summary>
        public int ScoreSeed;

        /// <summary>
        /// If set, a column for the per-feature reconstruction error −log p(xⱼ|z = μ), a vector of D Singles that sums
        /// to the reconstruction term: the features that made a row anomalous. Default null (not produced).
        /// </summary>
        public string? FeatureErrorColumnName;
    }

    private readonly Options _options;
    private readonly VaeScoring _scoring;
    private readonly VaeEstimatorCore _core;

    internal VaeAnomalyDetectionTrainer(IHostEnvironment env, Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!(options.Contamination is >= 0 and <= 1))
            throw new ArgumentOutOfRangeException(nameof(options.Contamination), options.Contamination, "Contamination must be in [0, 1].");
        if (options.Threshold is float t && !float.IsFinite(t))
            throw new ArgumentOutOfRangeException(nameof(options.Threshold), t, "The threshold must be finite.");
        _scoring = new VaeScoring(options.Score, options.ScoreSamples, options.ScoreSeed, options.LatentDensityWeight);
        _scoring.Validate();
        _options = options;
        _core = new VaeEstimatorCore(env, nameof(VaeAnomalyDetectionTrainer), options.FeatureColumnName, options);
    }

    /// <summary>Trains on every row of the feature column and sets the threshold from the training scores.</summary>
    public VaeAnomalyDetectionTransformer Fit(IDataView input)
    {
        var model = _core.Train(input, out var features, out int rows);
        using var scorer = new VaeOnnxScorer(model, _scoring);
        var quantiles = ScoreQuantiles.FromScores(scorer.ScoreAll(features, rows));
        float threshold = _options.Threshold ?? quantiles.ThresholdForContamination(_options.Contamination);
        return new VaeAnomalyDetectionTransformer(model, _options.FeatureColumnName, threshold, quantiles, _scoring, _options.FeatureErrorColumnName);
    }

    /// <summary>The input schema plus <c>Score</c> (Single), <c>PredictedLabel</c> (Boolean) and, if requested, the per-feature errors.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var added = new List<(string, DataViewType)>
        {
            (VaeAnomalyDetectionTransformer.ScoreColumnName, NumberDataViewType.Single),
            (VaeAnomalyDetectionTransformer.PredictedLabelColumnName, BooleanDataViewType.Instance),
        };
        if (_options.FeatureErrorColumnName != null)
            added.Add((_options.FeatureErrorColumnName, VaeEstimatorCore.KnownSizeVector));
        return _core.OutputSchema(inputSchema, added);
    }
}
