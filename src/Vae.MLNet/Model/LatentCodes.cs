namespace Vae.MLNet;

/// <summary>
/// The posteriors q(z|xᵢ) = N(μᵢ, diag σᵢ²) of a sample of training rows. Their mixture, the aggregate posterior
/// q(z) = 1/M Σᵢ q(z|xᵢ), is where the encoder actually puts normal rows; a row whose code lands where few training
/// codes are is unusual even when the prior N(0, I) finds it typical (<see cref="VaeScoreKind.AggregatePosterior"/>).
/// </summary>
public sealed class LatentCodes
{
    /// <summary>Codes from row-major [count, latentDimension] means and log-variances, which must be finite.</summary>
    public LatentCodes(int latentDimension, float[] means, float[] logVariances)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(latentDimension, 1);
        ArgumentNullException.ThrowIfNull(means);
        ArgumentNullException.ThrowIfNull(logVariances);
        if (means.Length == 0 || means.Length % latentDimension != 0)
            throw new ArgumentException($"Codes of {latentDimension} dimensions need a positive multiple of {latentDimension} means, got {means.Length}.", nameof(means));
        if (logVariances.Length != means.Length)
            throw new ArgumentException($"{means.Length} means need as many log-variances, got {logVariances.Length}.", nameof(logVariances));
        CheckFinite(means, nameof(means));
        CheckFinite(logVariances, nameof(logVariances));
        LatentDimension = latentDimension;
        Means = means;
        LogVariances = logVariances;
    }

    /// <summary>Number of codes M.</summary>
    public int Count => Means.Length / LatentDimension;

    /// <summary>Number of latent dimensions k.</summary>
    public int LatentDimension { get; }

    /// <summary>The posterior means μᵢ, [<see cref="Count"/>, <see cref="LatentDimension"/>] row-major.</summary>
    public float[] Means { get; }

    /// <summary>The posterior log-variances log σᵢ², [<see cref="Count"/>, <see cref="LatentDimension"/>] row-major.</summary>
    public float[] LogVariances { get; }

    private static void CheckFinite(float[] values, string name)
    {
        int bad = Array.FindIndex(values, v => !float.IsFinite(v));
        if (bad >= 0)
            throw new ArgumentException($"The code values must be finite; position {bad} holds {values[bad]}.", name);
    }
}
