namespace Vae.MLNet;

/// <summary>
/// The posteriors q(z|xᵢ) = N(μᵢ, diag σᵢ²) of a sample of training rows. Their mixture, the aggregate posterior
/// q(z) = 1/M Σᵢ q(z|xᵢ), is where the encoder actually puts normal rows; a row whose code lands where few training
/// codes are is unusual even when the prior N(0, I) finds it typical (<see cref="VaeScoreKind.AggregatePosterior"/>).
/// Immutable: it keeps copies of the values it is given and hands out read-only views.
/// </summary>
public sealed class LatentCodes
{
    /// <summary>Codes from row-major [count, latentDimension] means and log-variances, which must be finite.</summary>
    public LatentCodes(int latentDimension, IReadOnlyList<float> means, IReadOnlyList<float> logVariances)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(latentDimension, 1);
        ArgumentNullException.ThrowIfNull(means);
        ArgumentNullException.ThrowIfNull(logVariances);
        if (means.Count == 0 || means.Count % latentDimension != 0)
            throw new ArgumentException($"Codes of {latentDimension} dimensions need a positive multiple of {latentDimension} means, got {means.Count}.", nameof(means));
        if (logVariances.Count != means.Count)
            throw new ArgumentException($"{means.Count} means need as many log-variances, got {logVariances.Count}.", nameof(logVariances));
        // Copied before the check, so that what is checked is what is kept.
        var ownMeans = means.ToArray();
        var ownLogVariances = logVariances.ToArray();
        CheckFinite(ownMeans, nameof(means));
        CheckFinite(ownLogVariances, nameof(logVariances));
        LatentDimension = latentDimension;
        Means = Array.AsReadOnly(ownMeans);
        LogVariances = Array.AsReadOnly(ownLogVariances);
    }

    /// <summary>Number of codes M.</summary>
    public int Count => Means.Count / LatentDimension;

    /// <summary>Number of latent dimensions k.</summary>
    public int LatentDimension { get; }

    /// <summary>The posterior means μᵢ, [<see cref="Count"/>, <see cref="LatentDimension"/>] row-major.</summary>
    public IReadOnlyList<float> Means { get; }

    /// <summary>The posterior log-variances log σᵢ², [<see cref="Count"/>, <see cref="LatentDimension"/>] row-major.</summary>
    public IReadOnlyList<float> LogVariances { get; }

    private static void CheckFinite(float[] values, string name)
    {
        int bad = Array.FindIndex(values, v => !float.IsFinite(v));
        if (bad >= 0)
            throw new ArgumentException($"The code values must be finite; position {bad} holds {values[bad]}.", name);
    }
}
