namespace Vae.MLNet.Training;

/// <summary>The losses of one training epoch, in nats per row.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="Epochs">The maximum number of epochs.</param>
/// <param name="TrainLoss">Mean training loss: reconstruction + β·KL (β after warm-up).</param>
/// <param name="Reconstruction">Mean reconstruction term −log p(x|z) on the training rows.</param>
/// <param name="KlDivergence">Mean KL(q(z|x) ‖ N(0, I)) on the training rows.</param>
/// <param name="ValidationLoss">Mean negative ELBO at z = μ on the held-out rows, the loss early stopping watches (not the detector's score, <see cref="VaeScoring.Defaults.Kind"/>); null without validation.</param>
/// <param name="Elapsed">Time since training started.</param>
public sealed record VaeEpochReport(
    int Epoch,
    int Epochs,
    double TrainLoss,
    double Reconstruction,
    double KlDivergence,
    double? ValidationLoss,
    TimeSpan Elapsed)
{
    /// <summary>
    /// 0 while the model itself trains; k while the k-th of the anomaly detector's cross-fitted calibration models
    /// trains (<see cref="VaeCalibration.CrossFit"/>), whose epochs count from 1 again.
    /// </summary>
    public int CalibrationFold { get; init; }
}
