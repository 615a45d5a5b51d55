namespace Vae.MLNet.Training;

/// <summary>
/// Where the anomaly detector's calibration scores come from: scores of normal rows that the model scoring them did
/// not learn from, so that they are distributed as a new normal row's score is (see <see cref="CalibrationScores"/>).
/// </summary>
public enum VaeCalibration
{
    /// <summary>
    /// <see cref="HeldOut"/> when the early-stopping rows number at least
    /// <see cref="VaeAnomalyDetectionTrainer.Options.MinimumHeldOutCalibrationRows"/>, otherwise <see cref="CrossFit"/>:
    /// small data sets get a calibration score for every row at the cost of more training, large ones cost nothing extra.
    /// </summary>
    Automatic,

    /// <summary>
    /// The rows held out for early stopping (<see cref="VaeTrainingOptions.ValidationFraction"/>), which take no
    /// gradient step and leave no code in the aggregate posterior. No extra training.
    /// </summary>
    HeldOut,

    /// <summary>
    /// K-fold cross-fitting (<see cref="VaeAnomalyDetectionTrainer.Options.CalibrationFolds"/>): K more models, each
    /// trained as the final one is but without one fold of the rows, score that fold. Every training row gets a
    /// calibration score; training takes about K + 1 times as long.
    /// </summary>
    CrossFit,
}
