namespace Vae.MLNet.Training;

/// <summary>
/// How a VAE is trained; shared by the featurizer (<see cref="VaeEncodeEstimator.Options"/>) and the anomaly
/// detector (<see cref="VaeAnomalyDetectionTrainer.Options"/>).
/// </summary>
public abstract class VaeTrainingOptions
{
    /// <summary>
    /// The default of every training option, in one place: the fields below and the catalog's parameters start from
    /// these. The anomaly detector's own defaults extend them (<see cref="VaeAnomalyDetectionTrainer.Options.Defaults"/>).
    /// </summary>
    public class Defaults
    {
        private protected Defaults()
        {
        }

        /// <summary>The feature column: "Features", as ML.NET's trainers name it.</summary>
        public const string FeatureColumnName = "Features";

        /// <summary>Latent dimensions k: 8.</summary>
        public const int LatentDimension = 8;

        /// <summary>Units of the one hidden layer when <see cref="HiddenLayerSizes"/> is not set: 256.</summary>
        public const int HiddenUnits = 256;

        /// <summary>Rows per mini-batch: 128.</summary>
        public const int BatchSize = 128;

        /// <summary>
        /// Adam's learning rate when <see cref="VaeTrainingOptions.LearningRate"/> is not set, held throughout, except
        /// where <see cref="FewFeatures"/> says: 1e-3.
        /// </summary>
        public const double LearningRate = 1e-3;

        /// <summary>
        /// The most features for which an unset <see cref="VaeTrainingOptions.LearningRate"/> of a Gaussian model of one
        /// real column that refuses missing values decays from <see cref="FewFeaturesInitialLearningRate"/> to
        /// <see cref="FewFeaturesFinalLearningRate"/>: 10.
        /// </summary>
        public const int FewFeatures = 10;

        /// <summary>The first step size of the few-feature decay: 3e-3.</summary>
        public const double FewFeaturesInitialLearningRate = 3e-3;

        /// <summary>The step size the few-feature decay reaches at the run's planned last step: 1e-4.</summary>
        public const double FewFeaturesFinalLearningRate = 1e-4;

        /// <summary>Weight β of the KL term: 1, the ELBO.</summary>
        public const double Beta = 1;

        /// <summary>Fraction of the rows held out for early stopping: 0.1.</summary>
        public const double ValidationFraction = 0.1;

        /// <summary>Epochs without improvement before training stops: 20.</summary>
        public const int EarlyStoppingPatience = 20;

        /// <summary>The fewest epochs when <see cref="Epochs"/> is not set: 100.</summary>
        public const int MinimumEpochs = 100;

        /// <summary>The fewest mini-batch steps when <see cref="Epochs"/> is not set: 2,000.</summary>
        public const int MinimumSteps = 2000;

        /// <summary>
        /// The most mini-batch steps when <see cref="Epochs"/> is not set, unless one epoch takes more: 50,000. It binds
        /// from 64,000 training rows (500 batches of 128 an epoch) on: ten times the largest of the shared datasets,
        /// whose results it leaves as they were.
        /// </summary>
        public const int MaximumSteps = 50000;

        /// <summary>
        /// The most rows training holds when <see cref="MaxTrainingRows"/> is not set: 1,000,000. The step limit
        /// (<see cref="MaximumSteps"/> of <see cref="BatchSize"/> rows) visits a million rows about seven times, enough
        /// epochs for early stopping to choose among; a larger sample would be seen once, with no choice, for no gain
        /// (docs/scaling.md measures it on 10M rows).
        /// </summary>
        public const long TrainingRows = 1_000_000;

        /// <summary>The memory the training rows take at most when <see cref="MaxTrainingRows"/> is not set: 1 GiB (4 bytes a feature value).</summary>
        public const long TrainingBytes = 1L << 30;

        /// <summary>Training codes the model keeps: 1,024.</summary>
        public const int TrainingCodeCount = 1024;

        /// <summary>Epochs between two checkpoints: 5.</summary>
        public const int CheckpointInterval = 5;

        /// <summary>
        /// NaN features: <see cref="VaeMissingValues.Error"/>, so that a NaN that is a bug in the data pipeline is caught
        /// where it appears rather than learned as a missing cell; tables with empty cells opt in to
        /// <see cref="VaeMissingValues.Model"/>.
        /// </summary>
        public const VaeMissingValues MissingValues = VaeMissingValues.Error;
    }

    /// <summary>
    /// Sizes of the encoder's hidden layers, input side first; the decoder mirrors them. Default (null): one layer of
    /// <see cref="Defaults.HiddenUnits"/> units, whatever the number of features (docs/quality.md says why).
    /// </summary>
    public int[]? HiddenLayerSizes;

    /// <summary>Number of latent dimensions k. Default <see cref="Defaults.LatentDimension"/>.</summary>
    public int LatentDimension = Defaults.LatentDimension;

    /// <summary>The non-linearity after each hidden layer. Default <see cref="VaeActivation.Relu"/>.</summary>
    public VaeActivation Activation = VaeActivation.Relu;

    /// <summary>
    /// The decoder's distribution. Default <see cref="VaeLikelihood.Gaussian"/> (real-valued, standardized features);
    /// <see cref="VaeLikelihood.Bernoulli"/> needs every feature in [0, 1].
    /// </summary>
    public VaeLikelihood Likelihood = VaeLikelihood.Gaussian;

    /// <summary>
    /// Learn a per-feature variance σ²ⱼ of the Gaussian likelihood instead of fixing it at 1. Default true: features
    /// that the model reconstructs precisely then weigh more in the score (docs/quality.md measures the effect).
    /// </summary>
    public bool LearnOutputVariance = true;

    /// <summary>
    /// What a NaN feature is (ML.NET's convention for a missing Single). <see cref="VaeMissingValues.Error"/> stops
    /// training and scoring with the column, row and slot named; <see cref="VaeMissingValues.Model"/> makes NaN a missing
    /// cell that the model handles itself: the encoder also reads the missingness mask, training maximizes the ELBO of
    /// the observed cells, scores are rescaled to a complete row's scale, and the model can impute
    /// (<c>mlContext.Transforms.VaeImpute</c>). The model remembers the choice, in its files too. Default
    /// <see cref="Defaults.MissingValues"/>.
    /// </summary>
    public VaeMissingValues MissingValues = Defaults.MissingValues;

    /// <summary>
    /// More input columns, read beside the main one (the detector's <c>FeatureColumnName</c>, the featurizer's
    /// <c>InputColumnName</c>) into one model with one score. Each column's likelihood follows its type: <c>Single</c>
    /// (a value or a known-size vector) gets <see cref="Likelihood"/>; <c>Boolean</c> a Bernoulli; a key over UInt32 with a
    /// known count (from <c>MapValueToKey</c>) a categorical, a softmax over its at most
    /// <see cref="VaeInputColumn.MaximumCategories"/> categories, key 0 (ML.NET's missing key) being a missing cell
    /// (<see cref="VaeInputKind"/>). The main column may be of any of these kinds too. Default empty: the main column alone.
    /// </summary>
    public string[] AdditionalFeatureColumnNames = [];

    /// <summary>
    /// Maximum number of passes over the training rows. Default (null): <see cref="Defaults.MinimumEpochs"/>, or more
    /// when the rows are few, as many as <see cref="Defaults.MinimumSteps"/> mini-batch steps take: a few hundred rows
    /// make two batches per epoch, too few steps to train the model (docs/quality.md); fewer when the rows are many, as
    /// many as fit in <see cref="Defaults.MaximumSteps"/> steps but at least one: 100 epochs of a million rows take
    /// hours (docs/scaling.md).
    /// </summary>
    public int? Epochs;

    /// <summary>
    /// The most rows training holds in memory. Data with more rows is read once through its cursor and a uniform
    /// random sample of this many rows is trained on (reservoir sampling, seeded by <see cref="Seed"/>); the log says
    /// so. Default (null): <see cref="Defaults.TrainingRows"/>, or fewer wide rows: as many as fit in
    /// <see cref="Defaults.TrainingBytes"/>, e.g. 342,392 rows of 784 features. At most <see cref="Array.MaxLength"/> feature values are held whatever it says.
    /// </summary>
    public long? MaxTrainingRows;

    /// <summary>
    /// The most rows training holds for rows of <paramref name="features"/> features: <see cref="MaxTrainingRows"/>, or
    /// <see cref="Defaults.TrainingRows"/> but no more than fit in <see cref="Defaults.TrainingBytes"/>.
    /// </summary>
    public long MaxTrainingRowsFor(int features)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        return MaxTrainingRows ?? Math.Clamp(Defaults.TrainingBytes / (sizeof(float) * (long)features), 1, Defaults.TrainingRows);
    }

    /// <summary>Rows per mini-batch. Default <see cref="Defaults.BatchSize"/>.</summary>
    public int BatchSize = Defaults.BatchSize;

    /// <summary>
    /// Adam's learning rate, held for every step when set. Default (null): by the data's width: for at most
    /// <see cref="Defaults.FewFeatures"/> features of one real column, with the Gaussian likelihood and missing values
    /// refused (the defaults), a cosine decay from <see cref="Defaults.FewFeaturesInitialLearningRate"/> to
    /// <see cref="Defaults.FewFeaturesFinalLearningRate"/> over the run's planned steps (the epoch limit times the
    /// batches per epoch); otherwise <see cref="Defaults.LearningRate"/> throughout. Setting 1e-3 trains as every model
    /// did before the decay.
    /// </summary>
    public double? LearningRate;

    /// <summary>Weight β of the KL term in the training loss (β-VAE); 1 is the ELBO. Default <see cref="Defaults.Beta"/>.</summary>
    public double Beta = Defaults.Beta;

    /// <summary>Epochs over which the KL weight rises linearly from 0 to <see cref="Beta"/>; 0 turns warm-up off. Default 0.</summary>
    public int KlWarmupEpochs;

    /// <summary>
    /// Fraction of the training rows held out to choose the epoch: training stops when the held-out loss has not
    /// improved for <see cref="EarlyStoppingPatience"/> epochs, and the best weights are restored. The copies of a row
    /// (the same value in every cell) are held out with it, so the share held out is the nearest one that keeps them
    /// together. 0 turns it off. Default <see cref="Defaults.ValidationFraction"/>.
    /// </summary>
    public double ValidationFraction = Defaults.ValidationFraction;

    /// <summary>Epochs without improvement of the held-out loss before training stops. Default <see cref="Defaults.EarlyStoppingPatience"/>.</summary>
    public int EarlyStoppingPatience = Defaults.EarlyStoppingPatience;

    /// <summary>
    /// How many training rows' posteriors q(z|x) the model keeps (<see cref="VaeModel.TrainingCodes"/>), drawn at random
    /// when there are more: the aggregate posterior that <see cref="VaeScoreKind.AggregatePosterior"/> scores against.
    /// Scoring compares every row with each code, so its cost grows with this number, and more codes estimate the
    /// density more finely (docs/quality.md and docs/performance.md measure the trade). Default
    /// <see cref="Defaults.TrainingCodeCount"/>; at most <see cref="MaximumTrainingCodeCount"/>.
    /// </summary>
    public int TrainingCodeCount = Defaults.TrainingCodeCount;

    /// <summary>
    /// The most codes a model keeps: 65,536, whose encoding fits in memory at once and whose scoring is already
    /// hundreds of times the cost of the network.
    /// </summary>
    public const int MaximumTrainingCodeCount = 65536;

    /// <summary>
    /// Seed of the weight initialization, the mini-batch order and the draws. Default (null): drawn from the
    /// <c>MLContext</c>'s seed, so <c>new MLContext(seed: 1)</c> makes training reproducible.
    /// </summary>
    public int? Seed;

    /// <summary>
    /// Threads TorchSharp uses; 0 keeps its default (all cores). Results are identical for a given count, so a count
    /// above the machine's cores reproduces another machine's run. At most <see cref="MaximumThreads"/>.
    /// </summary>
    public int Threads;

    /// <summary>
    /// The most threads <see cref="Threads"/> may ask for: 1,024, more than the cores of any one machine. libtorch starts
    /// every thread it is given: a million exhausted the system's threads, so that no process could start.
    /// </summary>
    public const int MaximumThreads = 1024;

    /// <summary>Called after every epoch with its losses, e.g. to draw a progress bar or log to a notebook.</summary>
    public Action<VaeEpochReport>? Progress;

    /// <summary>
    /// Stops training between two mini-batches: <c>Fit</c> throws <see cref="OperationCanceledException"/>, and the
    /// last checkpoint (<see cref="CheckpointPath"/>) is what remains of the run. Default: not cancellable.
    /// </summary>
    public CancellationToken CancellationToken;

    /// <summary>
    /// A file to write the training state to every <see cref="CheckpointInterval"/> epochs and when training ends:
    /// weights, optimizer moments, random-generator state and early-stopping state, replaced atomically. With
    /// <see cref="ResumeFromCheckpoint"/> a new run continues from it. Default null: no checkpoints.
    /// </summary>
    public string? CheckpointPath;

    /// <summary>Epochs between two checkpoints: an interrupted run loses at most this many epochs. Default <see cref="Defaults.CheckpointInterval"/>.</summary>
    public int CheckpointInterval = Defaults.CheckpointInterval;

    /// <summary>
    /// Continue from <see cref="CheckpointPath"/> if that file exists, to the model an uninterrupted run with the same
    /// seed, options and data gives; a checkpoint of other options or data is refused. Default false: start afresh
    /// (and overwrite the file).
    /// </summary>
    public bool ResumeFromCheckpoint;

    internal void Validate()
    {
        if (HiddenLayerSizes != null && HiddenLayerSizes.Any(size => size < 1))
            throw new ArgumentOutOfRangeException(nameof(HiddenLayerSizes), $"Every hidden layer needs at least one unit; got [{string.Join(", ", HiddenLayerSizes)}].");
        Check(LatentDimension >= 1, nameof(LatentDimension), LatentDimension, "must be at least 1");
        Check(Enum.IsDefined(Activation), nameof(Activation), Activation, $"must be one of {string.Join(", ", Enum.GetNames<VaeActivation>())}");
        Check(Enum.IsDefined(Likelihood), nameof(Likelihood), Likelihood, $"must be one of {string.Join(", ", Enum.GetNames<VaeLikelihood>())}");
        Check(Enum.IsDefined(MissingValues), nameof(MissingValues), MissingValues, "must be Error or Model");
        if (AdditionalFeatureColumnNames is null || AdditionalFeatureColumnNames.Any(string.IsNullOrWhiteSpace))
            throw new ArgumentException("AdditionalFeatureColumnNames must be an array of column names (empty for none), without null or blank names.",
                nameof(AdditionalFeatureColumnNames));
        if (Epochs is int epochs)
            Check(epochs >= 1, nameof(Epochs), epochs, "must be at least 1");
        if (MaxTrainingRows is long maxRows)
            Check(maxRows >= 1, nameof(MaxTrainingRows), maxRows, "must be at least 1");
        Check(TrainingCodeCount is >= 1 and <= MaximumTrainingCodeCount, nameof(TrainingCodeCount), TrainingCodeCount, $"must be in [1, {MaximumTrainingCodeCount}]");
        Check(BatchSize >= 1, nameof(BatchSize), BatchSize, "must be at least 1");
        // libtorch computes in float: a larger rate fails in its optimizer, a larger β turns the loss infinite.
        if (LearningRate is double learningRate)
            Check(learningRate is > 0 and <= float.MaxValue, nameof(LearningRate), learningRate, "must be positive, at most float.MaxValue");
        Check(Beta is >= 0 and <= float.MaxValue, nameof(Beta), Beta, "must be non-negative, at most float.MaxValue");
        Check(KlWarmupEpochs >= 0, nameof(KlWarmupEpochs), KlWarmupEpochs, "must be non-negative");
        Check(ValidationFraction is >= 0 and < 1, nameof(ValidationFraction), ValidationFraction, "must be in [0, 1)");
        Check(EarlyStoppingPatience >= 1, nameof(EarlyStoppingPatience), EarlyStoppingPatience, "must be at least 1");
        Check(Threads is >= 0 and <= MaximumThreads, nameof(Threads), Threads, $"must be in [0, {MaximumThreads}]");
        Check(CheckpointInterval >= 1, nameof(CheckpointInterval), CheckpointInterval, "must be at least 1");
        if (CheckpointPath is not null && string.IsNullOrWhiteSpace(CheckpointPath))
            throw new ArgumentException("CheckpointPath must be the path of a file, or null for no checkpoints; it is blank.", nameof(CheckpointPath));
        if (ResumeFromCheckpoint && CheckpointPath is null)
            throw new ArgumentOutOfRangeException(nameof(ResumeFromCheckpoint), "ResumeFromCheckpoint needs a CheckpointPath.");
    }

    /// <summary>
    /// A copy that later changes to these options do not reach (nor to their hidden layer sizes), as an estimator
    /// takes them: what it was constructed with is what it trains with.
    /// </summary>
    internal T Copy<T>() where T : VaeTrainingOptions
    {
        var copy = (T)MemberwiseClone();
        copy.HiddenLayerSizes = (int[]?)HiddenLayerSizes?.Clone();
        copy.AdditionalFeatureColumnNames = (string[])AdditionalFeatureColumnNames?.Clone()!;
        return copy;
    }

    /// <summary>
    /// A copy that trains one of the anomaly detector's calibration models: no checkpoints (they belong to the model
    /// itself), and progress reported with the fold's number.
    /// </summary>
    internal VaeTrainingOptions ForCalibrationFold(int fold)
    {
        var copy = Copy<VaeTrainingOptions>();
        copy.CheckpointPath = null;
        copy.ResumeFromCheckpoint = false;
        copy.Progress = Progress is { } progress ? report => progress(report with { CalibrationFold = fold }) : null;
        return copy;
    }

    /// <summary>The epoch limit for <paramref name="trainingRows"/> rows: <see cref="Epochs"/>, or the default rule.</summary>
    internal int EpochsFor(long trainingRows)
    {
        long batchesPerEpoch = (trainingRows + BatchSize - 1) / BatchSize;
        long byRule = Math.Max(Defaults.MinimumEpochs, (Defaults.MinimumSteps + batchesPerEpoch - 1) / batchesPerEpoch);
        return Epochs ?? (int)Math.Max(1, Math.Min(byRule, Defaults.MaximumSteps / batchesPerEpoch));
    }

    /// <summary>The hidden layer sizes to use.</summary>
    internal int[] HiddenLayers => HiddenLayerSizes ?? [Defaults.HiddenUnits];

    private static void Check(bool valid, string name, object value, string rule)
    {
        if (!valid)
            throw new ArgumentOutOfRangeException(name, value, $"{name} {rule}.");
    }
}
