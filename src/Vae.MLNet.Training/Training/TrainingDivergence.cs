namespace Vae.MLNet.Training;

/// <summary>
/// When an epoch's training loss counts as diverged: non-finite, or above the lowest loss of the run by more than
/// <see cref="Factor"/> times the scale |lowest| + D (D features). The loss is in nats per row and sums over the
/// features, so D nats (one per feature) is its natural unit, and the scale stays positive where a learned variance
/// makes the loss negative. A rise of 100 such units is orders of magnitude beyond what a sound run shows: the KL
/// weight rising during warm-up, the noise of the sampled codes and a decoder variance shrinking on few rows all move
/// the loss by a few units at most, while a diverging run climbs from thousands to 1e10 and beyond within epochs.
/// </summary>
internal static class TrainingDivergence
{
    /// <summary>How many units of |lowest| + D above its lowest the loss must climb to count as diverged: 100.</summary>
    public const double Factor = 100;

    /// <summary>True if <paramref name="loss"/> is non-finite or too far above <paramref name="lowest"/>; never for the first epoch (lowest +∞).</summary>
    public static bool IsDiverged(double loss, double lowest, long dimension) =>
        !double.IsFinite(loss) || loss - lowest > Factor * (Math.Abs(lowest) + dimension);
}
