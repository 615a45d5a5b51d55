using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Vae.MLNet.Training;

/// <summary>
/// Trains a VAE anomaly detector: the model learns the training rows (assumed mostly normal; labels are not used)
/// and scores each row by its reconstruction error plus how rare its code is among the training codes, plus, for a
/// Gaussian model of one real column, how far the row leaves the directions in which the training rows barely vary (see
/// <see cref="Options.Score"/> for the other choices, the negative ELBO among them). The threshold is calibrated on scores of
/// rows the model did not learn from (<see cref="Options.Calibration"/>), so that <c>PredictedLabel</c> flags new
/// normal rows at the rate <see cref="Options.Contamination"/> promises; or it is given. Create it with
/// <c>mlContext.AnomalyDetection.Trainers.Vae</c>; its output works with <c>mlContext.AnomalyDetection.Evaluate</c>.
/// </summary>
public sealed class VaeAnomalyDetectionTrainer : IEstimator<VaeAnomalyDetectionTransformer>
{
    /// <summary>Options of the VAE anomaly detector.</summary>
    public sealed class Options : VaeTrainingOptions
    {
        /// <summary>
        /// The detector's defaults, with the training defaults they extend (<see cref="VaeTrainingOptions.Defaults"/>)
        /// and the scoring defaults (<see cref="VaeScoring.Defaults"/>): the fields below and the catalog's parameters
        /// start from these.
        /// </summary>
        public new sealed class Defaults : VaeTrainingOptions.Defaults
        {
            private Defaults()
            {
            }

            /// <summary>The false-alarm rate the threshold promises: 0.1, PyOD's default.</summary>
            public const double Contamination = 0.1;

            /// <summary>Calibration models for <see cref="VaeCalibration.CrossFit"/>: 5.</summary>
            public const int CalibrationFolds = 5;

            /// <summary>
            /// The fewest held-out rows <see cref="VaeCalibration.Automatic"/> calibrates on: 200, since conformal
            /// thresholds move in steps of 1 / (n + 1), and 200 rows resolve a 1% rate.
            /// </summary>
            public const int MinimumHeldOutCalibrationRows = 200;
        }

        /// <summary>The features: a known-size vector of Single, standardized (e.g. NormalizeMeanVariance). Default <see cref="VaeTrainingOptions.Defaults.FeatureColumnName"/>.</summary>
        public string FeatureColumnName = Defaults.FeatureColumnName;

        /// <summary>
        /// The false-alarm rate α the threshold promises: a new row drawn like the training rows is flagged with
        /// probability at most α (the split-conformal threshold of the calibration scores,
        /// <see cref="CalibrationScores.ThresholdFor"/>). With clean training rows that is the share of new normal rows
        /// flagged; with training rows that hold anomalies, the share of new rows flagged, and normal rows are flagged
        /// less. Below 1 / (n + 1) for n calibration scores no finite threshold keeps the promise, and none is flagged
        /// (a warning says so). Ignored when <see cref="Threshold"/> is set. Default <see cref="Defaults.Contamination"/>.
        /// </summary>
        public double Contamination = Defaults.Contamination;

        /// <summary>Where the calibration scores come from (see <see cref="VaeCalibration"/>). Default <see cref="VaeCalibration.Automatic"/>.</summary>
        public VaeCalibration Calibration = VaeCalibration.Automatic;

        /// <summary>Models trained for <see cref="VaeCalibration.CrossFit"/>, each without a 1/K share of the rows. Default <see cref="Defaults.CalibrationFolds"/>.</summary>
        public int CalibrationFolds = Defaults.CalibrationFolds;

        /// <summary>
        /// The fewest held-out rows that <see cref="VaeCalibration.Automatic"/> calibrates on; with fewer it cross-fits.
        /// Default <see cref="Defaults.MinimumHeldOutCalibrationRows"/>.
        /// </summary>
        public int MinimumHeldOutCalibrationRows = Defaults.MinimumHeldOutCalibrationRows;

        /// <summary>
        /// Add a <c>PValue</c> column: the conformal p-value of the row's score, the share of calibration scores at or
        /// above it (with the +1 correction, <see cref="CalibrationScores.PValue"/>). A new normal row has p ≤ α with
        /// probability at most α, for any α chosen after training. Default false.
        /// </summary>
        public bool AddPValueColumn;

        /// <summary>An explicit score threshold; rows scoring above it are anomalies. Default null: from <see cref="Contamination"/>.</summary>
        public float? Threshold;

        /// <summary>
        /// How rows are scored (see <see cref="VaeScoreKind"/>). Default <see cref="VaeScoring.Defaults.Kind"/>
        /// (<see cref="VaeScoreKind.AggregatePosterior"/>): the reconstruction error plus how rare the row's code is
        /// among the training rows' codes, plus the minor-component term when the model has one
        /// (<see cref="VaeModel.MinorComponents"/>).
        /// </summary>
        public VaeScoreKind Score = VaeScoring.Defaults.Kind;

        /// <summary>
        /// Weight of the code's rarity, −log q(μ), in the <see cref="VaeScoreKind.AggregatePosterior"/> score. Default
        /// null: from the training rows, <see cref="VaeScoring.Defaults.LatentDensityWeightFor"/> (2 up to
        /// <see cref="VaeTrainingOptions.TrainingCodeCount"/> rows, then 2 × codes / rows); the detector's
        /// <see cref="VaeAnomalyDetectionTransformer.Scoring"/> holds the weight chosen, and its file keeps it.
        /// </summary>
        public double? LatentDensityWeight;

        /// <summary>Draws per row (L or K) for <see cref="VaeScoreKind.MonteCarloElbo"/> and <see cref="VaeScoreKind.ImportanceWeighted"/>, at most <see cref="VaeScoring.MaximumSamples"/>. Default <see cref="VaeScoring.Defaults.Samples"/>.</summary>
        public int ScoreSamples = VaeScoring.Defaults.Samples;

        /// <summary>Seed of the scoring draws (the same ε for every row, so scores are deterministic). Default <see cref="VaeScoring.Defaults.Seed"/>.</summary>
        public int ScoreSeed = VaeScoring.Defaults.Seed;

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
        // A copy, as ML.NET's trainers take their options: changing the caller's object later changes nothing here.
        options = options.Copy<Options>();
        if (!(options.Contamination is >= 0 and <= 1))
            throw new ArgumentOutOfRangeException(nameof(options.Contamination), options.Contamination, "Contamination must be in [0, 1].");
        if (options.Threshold is float t && float.IsNaN(t))
            throw new ArgumentOutOfRangeException(nameof(options.Threshold), t, "The threshold must be a number.");
        if (!Enum.IsDefined(options.Calibration))
            throw new ArgumentOutOfRangeException(nameof(options.Calibration), options.Calibration,
                $"Calibration must be one of {string.Join(", ", Enum.GetNames<VaeCalibration>())}.");
        if (options.CalibrationFolds < 2)
            throw new ArgumentOutOfRangeException(nameof(options.CalibrationFolds), options.CalibrationFolds, "CalibrationFolds must be at least 2.");
        if (options.MinimumHeldOutCalibrationRows < 1)
            throw new ArgumentOutOfRangeException(nameof(options.MinimumHeldOutCalibrationRows), options.MinimumHeldOutCalibrationRows, "MinimumHeldOutCalibrationRows must be at least 1.");
        VaeAnomalyDetectionTransformer.CheckColumnNames(options.FeatureErrorColumnName, options.AddPValueColumn);
        // Checked now with the default weight when none is given: the rows that decide it come with Fit.
        _scoring = new VaeScoring(options.Score, options.ScoreSamples, options.ScoreSeed, options.LatentDensityWeight ?? VaeScoring.Defaults.LatentDensityWeight);
        _scoring.Validate();
        _options = options;
        _core = new VaeEstimatorCore(env, nameof(VaeAnomalyDetectionTrainer), options.FeatureColumnName, nameof(options.FeatureColumnName), options);
    }

    /// <summary>
    /// Trains on every row of the feature column (less those held out for early stopping), then calibrates the
    /// threshold on scores of rows the scoring model did not learn from.
    /// </summary>
    public VaeAnomalyDetectionTransformer Fit(IDataView input)
    {
        var trained = _core.Train(input);
        // One weight for the final model and its calibration models, so that calibration scores are the score's.
        var scoring = _options.LatentDensityWeight is null && _scoring.Kind == VaeScoreKind.AggregatePosterior
            ? _scoring with { LatentDensityWeight = VaeScoring.Defaults.LatentDensityWeightFor(trained.Rows, _options.TrainingCodeCount) }
            : _scoring;
        using var channel = _core.StartChannel("Calibrate");
        (var calibration, scoring) = ConformalCalibration.Scores(trained, _options, scoring, _options.Calibration, _options.CalibrationFolds,
            _options.MinimumHeldOutCalibrationRows, _options.FeatureColumnName, channel);
        float threshold = _options.Threshold ?? calibration?.ThresholdFor(_options.Contamination) ?? float.PositiveInfinity;
        if (calibration is null)
            channel.Warning(MessageSensitivity.None, "One distinct training row (one row, or copies of one) leaves none to calibrate a threshold on: PredictedLabel flags no row unless a Threshold is set.");
        else if (float.IsPositiveInfinity(threshold))
            channel.Warning(MessageSensitivity.None,
                $"{calibration.Count} calibration scores cannot promise a false-alarm rate of {_options.Contamination} (the smallest is " +
                $"{calibration.SmallestFalseAlarmRate:G3}): PredictedLabel flags no row. Train on more rows, use the PValue column, or set a Threshold.");
        return new VaeAnomalyDetectionTransformer(trained.Model, _options.FeatureColumnName, threshold, calibration, scoring,
            _options.FeatureErrorColumnName, _options.AddPValueColumn);
    }

    /// <summary>The input schema plus <c>Score</c> (Single), <c>PredictedLabel</c> (Boolean) and, if requested, the per-feature errors.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var added = new List<(string, DataViewType)>
        {
            (VaeAnomalyDetectionTransformer.ScoreColumnName, NumberDataViewType.Single),
            (VaeAnomalyDetectionTransformer.PredictedLabelColumnName, BooleanDataViewType.Instance),
        };
        if (_options.AddPValueColumn)
            added.Add((VaeAnomalyDetectionTransformer.PValueColumnName, NumberDataViewType.Single));
        if (_options.FeatureErrorColumnName != null)
            added.Add((_options.FeatureErrorColumnName, VaeEstimatorCore.KnownSizeVector));
        return _core.OutputSchema(inputSchema, added, _options.FeatureErrorColumnName is { } errors ? new HashSet<string> { errors } : null);
    }
}
