
using Vae.MLNet;
using Vae.MLNet.Training;

namespace Microsoft.ML;

/// <summary>Extension methods that put the VAE featurizer and anomaly detector on ML.NET's catalogs.</summary>
public static class VaeCatalog
{
    /// <summary>
    /// Trains a VAE on <paramref name="inputColumnName"/> and adds its latent mean μ(x) as <paramref name="outputColumnName"/>.
    /// </summary>
    /// <param name="catalog">The transforms catalog, <c>mlContext.Transforms</c>.</param>
    /// <param name="outputColumnName">The latent mean: a vector of Single with <paramref name="latentDimension"/> slots.</param>
    /// <param name="inputColumnName">The features: a known-size vector of Single, standardized for the default Gaussian likelihood. Default: <paramref name="outputColumnName"/>.</param>
    /// <param name="latentDimension">Size of the latent space.</param>
    /// <param name="epochs">Maximum number of training epochs; null for the default rule (<see cref="VaeTrainingOptions.Epochs"/>).</param>
    /// <param name="seed">Seed of the training; null draws one from the <c>MLContext</c>'s seed.</param>
    public static VaeEncodeEstimator VaeEncode(this TransformsCatalog catalog, string outputColumnName, string? inputColumnName = null,
        int latentDimension = VaeTrainingOptions.Defaults.LatentDimension, int? epochs = null, int? seed = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputColumnName);
        CheckInputColumnName(inputColumnName);
        return catalog.VaeEncode(new VaeEncodeEstimator.Options
        {
            OutputColumnName = outputColumnName,
            InputColumnName = inputColumnName ?? outputColumnName,
            LatentDimension = latentDimension,
            Epochs = epochs,
            Seed = seed,
        });
    }

    /// <summary>Trains a VAE featurizer with every option (see <see cref="VaeEncodeEstimator.Options"/>).</summary>
    public static VaeEncodeEstimator VaeEncode(this TransformsCatalog catalog, VaeEncodeEstimator.Options options) =>
        new(MLNetInternals.GetEnvironment(catalog), options);

    /// <summary>
    /// Trains a VAE of missing values on <paramref name="inputColumnName"/> (NaN = missing cell) and adds
    /// <paramref name="outputColumnName"/>, the features with each missing cell filled by the model's estimate given the
    /// row's observed cells (MIWAE's importance-weighted conditional mean); observed cells are kept exactly.
    /// </summary>
    /// <param name="catalog">The transforms catalog, <c>mlContext.Transforms</c>.</param>
    /// <param name="outputColumnName">The filled features: a vector of Single as wide as the input.</param>
    /// <param name="inputColumnName">The features, standardized, NaN where missing. Default: <paramref name="outputColumnName"/> (fill in place).</param>
    /// <param name="epochs">Maximum number of training epochs; null for the default rule (<see cref="VaeTrainingOptions.Epochs"/>).</param>
    /// <param name="seed">Seed of the training; null draws one from the <c>MLContext</c>'s seed.</param>
    public static VaeImputeEstimator VaeImpute(this TransformsCatalog catalog, string outputColumnName, string? inputColumnName = null,
        int? epochs = null, int? seed = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputColumnName);
        CheckInputColumnName(inputColumnName);
        return catalog.VaeImpute(new VaeImputeEstimator.Options
        {
            OutputColumnName = outputColumnName,
            InputColumnName = inputColumnName ?? outputColumnName,
            Epochs = epochs,
            Seed = seed,
        });
    }

    /// <summary>Trains a VAE imputer with every option (see <see cref="VaeImputeEstimator.Options"/>).</summary>
    public static VaeImputeEstimator VaeImpute(this TransformsCatalog catalog, VaeImputeEstimator.Options options) =>
        new(MLNetInternals.GetEnvironment(catalog), options);

    /// <summary>
    /// Trains a VAE anomaly detector whose <c>Score</c> is the reconstruction error plus the rarity of the row's code
    /// and, for a Gaussian model of one real column, a term for leaving the directions in which the training rows barely
    /// vary (<see cref="VaeScoreKind.AggregatePosterior"/>), and whose <c>PredictedLabel</c> flags the
    /// rows above a calibrated threshold: a new normal row is flagged with probability at most <paramref name="contamination"/>.
    /// </summary>
    /// <param name="catalog">The anomaly detection trainers, <c>mlContext.AnomalyDetection.Trainers</c>.</param>
    /// <param name="featureColumnName">The features: a known-size vector of Single, standardized.</param>
    /// <param name="latentDimension">Size of the latent space.</param>
    /// <param name="contamination">The false-alarm rate the threshold promises (<see cref="VaeAnomalyDetectionTrainer.Options.Contamination"/>).</param>
    /// <param name="epochs">Maximum number of training epochs; null for the default rule (<see cref="VaeTrainingOptions.Epochs"/>).</param>
    /// <param name="seed">Seed of the training; null draws one from the <c>MLContext</c>'s seed.</param>
    public static VaeAnomalyDetectionTrainer Vae(this AnomalyDetectionCatalog.AnomalyDetectionTrainers catalog,
        string featureColumnName = VaeAnomalyDetectionTrainer.Options.Defaults.FeatureColumnName,
        int latentDimension = VaeAnomalyDetectionTrainer.Options.Defaults.LatentDimension,
        double contamination = VaeAnomalyDetectionTrainer.Options.Defaults.Contamination, int? epochs = null, int? seed = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(featureColumnName);
        return catalog.Vae(new VaeAnomalyDetectionTrainer.Options
        {
            FeatureColumnName = featureColumnName,
            LatentDimension = latentDimension,
            Contamination = contamination,
            Epochs = epochs,
            Seed = seed,
        });
    }

    /// <summary>
    /// Refuses an empty or blank <paramref name="inputColumnName"/> under the caller's name for it (the options'
    /// estimator would name its own option); null means the output column's name.
    /// </summary>
    private static void CheckInputColumnName(string? inputColumnName)
    {
        if (inputColumnName is not null)
            ArgumentException.ThrowIfNullOrWhiteSpace(inputColumnName);
    }

    /// <summary>Trains a VAE anomaly detector with every option (see <see cref="VaeAnomalyDetectionTrainer.Options"/>).</summary>
    public static VaeAnomalyDetectionTrainer Vae(this AnomalyDetectionCatalog.AnomalyDetectionTrainers catalog,
        VaeAnomalyDetectionTrainer.Options options) =>
        new(MLNetInternals.GetEnvironment(catalog), options);
}
