namespace Vae.MLNet;

/// <summary>
/// The distribution of the training rows' anomaly scores, kept as 1,001 quantiles: enough to turn a contamination
/// fraction into a threshold after training, without keeping every training score.
/// </summary>
public sealed class ScoreQuantiles
{
    private const int Count = 1001;
    private readonly float[] _quantiles;

    private ScoreQuantiles(float[] quantiles) => _quantiles = quantiles;

    /// <summary>Summarizes <paramref name="scores"/> (at least one, all finite).</summary>
    public static ScoreQuantiles FromScores(ReadOnlySpan<float> scores)
    {
        if (scores.IsEmpty)
            throw new ArgumentException("At least one training score is needed.", nameof(scores));
        var sorted = scores.ToArray();
        Array.Sort(sorted);
        var quantiles = new float[Count];
        for (int i = 0; i < Count; i++)
            quantiles[i] = Interpolate(sorted, i / (double)(Count - 1));
        return new ScoreQuantiles(quantiles);
    }

    /// <summary>Restores a summary from <see cref="Values"/>.</summary>
    public static ScoreQuantiles FromValues(float[] values)
    {
        if (values is not { Length: Count })
            throw new ArgumentException($"Expected {Count} quantiles, got {values?.Length ?? 0}.", nameof(values));
        return new ScoreQuantiles((float[])values.Clone());
    }

    /// <summary>The quantiles at 0, 0.001, …, 1 of the training scores.</summary>
    public IReadOnlyList<float> Values => _quantiles;

    /// <summary>
    /// The threshold above which a fraction <paramref name="contamination"/> of the training rows lie: the
    /// (1 − contamination) quantile.
    /// </summary>
    public float ThresholdForContamination(double contamination)
    {
        if (!(contamination is >= 0 and <= 1))
            throw new ArgumentOutOfRangeException(nameof(contamination), contamination, "Contamination must be in [0, 1].");
        return Interpolate(_quantiles, 1 - contamination);
    }

    private static float Interpolate(float[] sorted, double q)
    {
        double position = q * (sorted.Length - 1);
        int lower = (int)Math.Floor(position);
        int upper = Math.Min(lower + 1, sorted.Length - 1);
        double weight = position - lower;
        return (float)(sorted[lower] + weight * (sorted[upper] - sorted[lower]));
    }
}
