namespace Vae.MLNet;

/// <summary>
/// The minor principal components of a model's training rows: the directions in which normal rows barely vary, each
/// scaled by 1/√λᵢ. The detector's default score adds v · ½ Σᵢ ((x − mean)·wᵢ)², the minor-component Mahalanobis
/// distance of Shyu et al. in nats (<see cref="VaeScoring.MinorComponentWeight"/>): a row that leaves the plane the
/// normal rows lie on by a few of their tiny deviations off it is far in these units, even when every feature stays in
/// its normal range and the network, whose bottleneck is as wide as those directions, reconstructs it well.
/// Immutable: it keeps copies of the values it is given and hands out read-only views.
/// </summary>
public sealed class MinorComponents
{
    /// <summary>
    /// A component is minor when its eigenvalue is below this share of the mean eigenvalue: 0.1 (docs/quality.md, "The
    /// minor-component term": λ &lt; 0.1 on z-scored rows, whose mean eigenvalue is 1). Directions of a tenth of the
    /// average variance or less are where normal rows barely vary; the components between 0.1 and 0.2 that the first
    /// rule kept also carried normal variation the network models, and weighed on data sets such as stamps.
    /// </summary>
    public const double RelativeEigenvalueThreshold = 0.1;

    /// <summary>
    /// Eigenvalues are raised to at least this share of the mean eigenvalue: 1e-3, so that a constant or exactly
    /// collinear training column, whose eigenvalue is 0 up to rounding, weighs a row's deviation from it by at most
    /// 1,000 times that of an average direction instead of without bound: with the default weight
    /// (<see cref="VaeScoring.Defaults.MinorComponentWeight"/>, 0.5), a row that breaks such a relation by a hundredth
    /// of a standard deviation adds 0.025 nats, by a tenth 2.5.
    /// </summary>
    public const double RelativeEigenvalueFloor = 1e-3;

    /// <summary>
    /// The largest magnitude of a scaled vector's entry: 1e10. With features clamped to ±1e8, every projection then
    /// stays finite in float; the rule above gives at most 1/√(1e-3 · mean eigenvalue).
    /// </summary>
    public const float ScaledVectorBound = 1e10f;

    /// <summary>
    /// Components from row-major [count, dimension] <paramref name="scaledVectors"/> (each unit eigenvector divided by
    /// the square root of its eigenvalue) and the training rows' <paramref name="mean"/>; all values finite, the vectors'
    /// within ±<see cref="ScaledVectorBound"/>.
    /// </summary>
    public MinorComponents(IReadOnlyList<float> mean, IReadOnlyList<float> scaledVectors)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(scaledVectors);
        if (mean.Count == 0)
            throw new ArgumentException("The mean of the training rows needs at least one feature.", nameof(mean));
        if (scaledVectors.Count == 0 || scaledVectors.Count % mean.Count != 0)
            throw new ArgumentException($"Components of {mean.Count} features need a positive multiple of {mean.Count} vector values, got {scaledVectors.Count}.", nameof(scaledVectors));
        // Copied before the check, so that what is checked is what is kept.
        var ownMean = mean.ToArray();
        var ownVectors = scaledVectors.ToArray();
        int bad = Array.FindIndex(ownMean, v => !float.IsFinite(v));
        if (bad >= 0)
            throw new ArgumentException($"The mean must be finite; feature {bad} holds {ownMean[bad]}.", nameof(mean));
        bad = Array.FindIndex(ownVectors, v => !(Math.Abs(v) <= ScaledVectorBound));
        if (bad >= 0)
            throw new ArgumentException($"The scaled vectors must be finite and within ±{ScaledVectorBound}; position {bad} holds {ownVectors[bad]}.", nameof(scaledVectors));
        Mean = Array.AsReadOnly(ownMean);
        ScaledVectors = Array.AsReadOnly(ownVectors);
    }

    /// <summary>
    /// The minor components of rows with this <paramref name="mean"/> and covariance eigen-decomposition: those whose
    /// eigenvalue is below <see cref="RelativeEigenvalueThreshold"/> times the mean eigenvalue, each scaled by
    /// 1/√max(λ, <see cref="RelativeEigenvalueFloor"/> × mean eigenvalue); null when there is none, when the rows do
    /// not vary at all, or when they vary so little (a mean eigenvalue below about 1e-17) that a scaled vector would
    /// pass <see cref="ScaledVectorBound"/>.
    /// </summary>
    /// <param name="mean">The rows' mean, [D].</param>
    /// <param name="eigenvalues">The covariance's eigenvalues, [D], any order.</param>
    /// <param name="eigenvectors">Unit eigenvectors, row-major [D, D], the i-th row for the i-th eigenvalue.</param>
    public static MinorComponents? FromEigenDecomposition(IReadOnlyList<double> mean, IReadOnlyList<double> eigenvalues, IReadOnlyList<double> eigenvectors)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(eigenvalues);
        ArgumentNullException.ThrowIfNull(eigenvectors);
        int d = mean.Count;
        if (eigenvalues.Count != d || eigenvectors.Count != d * d)
            throw new ArgumentException($"An eigen-decomposition of {d} features needs {d} eigenvalues and {d}x{d} vector values, got {eigenvalues.Count} and {eigenvectors.Count}.");
        // Rounding can make an eigenvalue of a rank-deficient covariance slightly negative: it is 0.
        double meanEigenvalue = eigenvalues.Average(v => Math.Max(v, 0));
        if (!(meanEigenvalue > 0) || !double.IsFinite(meanEigenvalue))
            return null;
        double floor = RelativeEigenvalueFloor * meanEigenvalue;
        var minor = Enumerable.Range(0, d).Where(i => eigenvalues[i] < RelativeEigenvalueThreshold * meanEigenvalue).ToArray();
        if (minor.Length == 0)
            return null;
        var scaled = new float[minor.Length * d];
        for (int c = 0; c < minor.Length; c++)
        {
            double scale = 1 / Math.Sqrt(Math.Max(eigenvalues[minor[c]], floor));
            for (int j = 0; j < d; j++)
                scaled[c * d + j] = (float)(eigenvectors[minor[c] * d + j] * scale);
        }
        var ownMean = mean.Select(v => (float)v).ToArray();
        return scaled.All(v => Math.Abs(v) <= ScaledVectorBound) && ownMean.All(float.IsFinite) ? new MinorComponents(ownMean, scaled) : null;
    }

    /// <summary>Number of features D.</summary>
    public int Dimension => Mean.Count;

    /// <summary>Number of components m.</summary>
    public int Count => ScaledVectors.Count / Dimension;

    /// <summary>The training rows' mean, [<see cref="Dimension"/>].</summary>
    public IReadOnlyList<float> Mean { get; }

    /// <summary>The components' unit vectors divided by √λᵢ, [<see cref="Count"/>, <see cref="Dimension"/>] row-major.</summary>
    public IReadOnlyList<float> ScaledVectors { get; }

    /// <summary>
    /// Each feature's share of the term v · ½ ‖W(x − mean)‖² for one row: ½ v (x − mean)ⱼ · (WᵀW(x − mean))ⱼ. The shares
    /// sum to the term (the score graph clamps extreme deviations, so rows beyond ±1e8 differ), and a share is large
    /// where a feature's deviation breaks a relation the normal rows keep, whichever way the others moved; it can be
    /// negative for a feature whose own deviation partly repairs the break. Beside the per-feature reconstruction
    /// errors it says which features a row that leaves the normal rows' directions left them by.
    /// </summary>
    /// <param name="features">The row as the model reads it, [<see cref="Dimension"/>].</param>
    /// <param name="weight">The term's weight v (<see cref="VaeScoring.MinorComponentWeight"/>).</param>
    public double[] FeatureShares(ReadOnlySpan<float> features, double weight)
    {
        if (features.Length != Dimension)
            throw new ArgumentException($"The minor components are of {Dimension} features; the row has {features.Length}.", nameof(features));
        var deviation = new double[Dimension];
        for (int j = 0; j < Dimension; j++)
            deviation[j] = (double)features[j] - Mean[j];
        var pulled = new double[Dimension];
        for (int c = 0; c < Count; c++)
        {
            double projection = 0;
            for (int j = 0; j < Dimension; j++)
                projection += ScaledVectors[c * Dimension + j] * deviation[j];
            for (int j = 0; j < Dimension; j++)
                pulled[j] += ScaledVectors[c * Dimension + j] * projection;
        }
        return deviation.Select((d, j) => 0.5 * weight * d * pulled[j]).ToArray();
    }
}
