namespace Vae.MLNet;

/// <summary>
/// For a model of missing values (<see cref="VaeMissingValues.Model"/>), an affine map of the score for each count of
/// observed features: a row with k observed features scores aₖ · s + bₖ, where s is the score as its kind computes it.
/// Immutable: it keeps copies of the values it is given and hands out read-only views.
/// </summary>
/// <remarks>
/// <para>Why: the reconstruction term of a row with k of F features observed is a sum over k cells scaled by F / k,
/// and its code is read from k cells; both spread wider as k falls. With one threshold for every row, new normal rows
/// that miss more cells than the training rows did were flagged far more often than promised (34% of rows with one of
/// eight cells observed at a promised 10%: docs/quality.md, "Missing cells: calibration by observed count"). The map
/// puts every count's normal scores on one scale, so that one calibrated threshold keeps its promise whatever a row misses.</para>
/// <para>How (<see cref="FromGroups"/>): for each count k, the median and 90th percentile of scores of normal rows
/// with k observed features, which the model did not learn from (calibration rows, with observed cells masked at
/// random down to k), are mapped onto those of the count with the most such scores. The promise then assumes that
/// the missing cells fall on features at random, whatever their values: the map knows how many cells a row misses,
/// not which, and the same feature missing in every new row can be flagged more or less often than promised.</para>
/// </remarks>
public sealed class ObservedCountScale
{
    /// <summary>The fewest scores a count needs to enter the fit: 20.</summary>
    public const int MinimumGroupSize = 20;

    /// <summary>
    /// The fewest scores a count needs for its own median and spread to be used as measured: 200, which puts a 90th
    /// percentile within about ±0.02 of its level; fewer take them from the lines through every count's.
    /// </summary>
    public const int MeasuredGroupSize = 200;

    /// <summary>The largest factor by which the map stretches or shrinks a count's scores: 1,000.</summary>
    public const double MaximumScale = 1000;

    /// <summary>
    /// The quantile whose distance above the median is the spread mapped: 0.9, where the threshold of the default
    /// contamination (0.1) lies, so that the default promise is the one the map keeps best; docs/quality.md compares 0.95.
    /// </summary>
    public const double SpreadQuantile = 0.9;

    /// <summary>
    /// The map from <paramref name="scales"/> aₖ and <paramref name="offsets"/> bₖ, index k = 0 … F (the observed
    /// feature count; a row with none observed scores NaN whatever the map says): as many of each, scales finite and
    /// positive, offsets finite.
    /// </summary>
    public ObservedCountScale(IReadOnlyList<float> scales, IReadOnlyList<float> offsets)
    {
        ArgumentNullException.ThrowIfNull(scales);
        ArgumentNullException.ThrowIfNull(offsets);
        // Copied before the check, so that what is checked is what is kept.
        var ownScales = scales.ToArray();
        var ownOffsets = offsets.ToArray();
        if (ownScales.Length < 2 || ownScales.Length != ownOffsets.Length)
            throw new ArgumentException($"A map of the counts 0 … F needs as many scales as offsets, at least 2; got {ownScales.Length} and {ownOffsets.Length}.", nameof(scales));
        int bad = Array.FindIndex(ownScales, v => !(float.IsFinite(v) && v > 0));
        if (bad >= 0)
            throw new ArgumentException($"Every scale must be finite and positive; count {bad} holds {ownScales[bad]}.", nameof(scales));
        bad = Array.FindIndex(ownOffsets, v => !float.IsFinite(v));
        if (bad >= 0)
            throw new ArgumentException($"Every offset must be finite; count {bad} holds {ownOffsets[bad]}.", nameof(offsets));
        Scales = Array.AsReadOnly(ownScales);
        Offsets = Array.AsReadOnly(ownOffsets);
    }

    /// <summary>aₖ for k = 0 … F observed features.</summary>
    public IReadOnlyList<float> Scales { get; }

    /// <summary>bₖ for k = 0 … F observed features.</summary>
    public IReadOnlyList<float> Offsets { get; }

    /// <summary>F, the most features a row can have observed.</summary>
    public int Features => Scales.Count - 1;

    /// <summary>
    /// The map fitted to <paramref name="scoresByCount"/>[k], the unmapped scores of normal rows with k observed
    /// features (index 0 unused). Each count's median and spread (<see cref="SpreadQuantile"/> minus median) are mapped
    /// onto those of the count with the most scores (whose map is the identity): as measured for a count with at least
    /// <see cref="MeasuredGroupSize"/> scores, otherwise read off lines in u = log(F / k) fitted, weighted by their
    /// numbers of scores, through every count with at least <see cref="MinimumGroupSize"/> scores and a positive spread
    /// (so every count gets a map, those without scores too). Null when no count enters the fit.
    /// </summary>
    internal static ObservedCountScale? FromGroups(IReadOnlyList<IReadOnlyList<float>> scoresByCount)
    {
        int features = scoresByCount.Count - 1;
        var measured = new (double Median, double LogSpread, int Count)?[features + 1];
        for (int k = 1; k <= features; k++)
        {
            var sorted = scoresByCount[k].Where(float.IsFinite).Order().ToArray();
            if (sorted.Length < MinimumGroupSize)
                continue;
            double median = Quantile(sorted, 0.5), spread = Quantile(sorted, SpreadQuantile) - median;
            if (spread > 0)
                measured[k] = (median, Math.Log(spread), sorted.Length);
        }
        var points = Enumerable.Range(1, features).Where(k => measured[k] is not null).ToArray();
        if (points.Length == 0)
            return null;
        // Counts with few scores (complete rows, when most training rows miss a cell, exist only as they are) take
        // their median and spread from lines in u = log(F / k) through every count's, weighted by their numbers of scores.
        double U(int k) => Math.Log((double)features / k);
        var (medianAt, medianSlope) = Line(points.Select(k => (U(k), measured[k]!.Value.Median, (double)measured[k]!.Value.Count)));
        var (logSpreadAt, logSpreadSlope) = Line(points.Select(k => (U(k), measured[k]!.Value.LogSpread, (double)measured[k]!.Value.Count)));
        (double Median, double Spread) At(int k) => measured[k] is { Count: >= MeasuredGroupSize } m
            ? (m.Median, Math.Exp(m.LogSpread))
            : (medianAt + medianSlope * U(k), Math.Exp(logSpreadAt + logSpreadSlope * U(k)));
        // Every count is mapped onto the one with the most scores, whose quantiles are the most precise.
        var (referenceMedian, referenceSpread) = At(points.MaxBy(k => (measured[k]!.Value.Count, k)));
        var scales = new float[features + 1];
        var offsets = new float[features + 1];
        scales[0] = 1;
        for (int k = 1; k <= features; k++)
        {
            var (median, spread) = At(k);
            // Bounded, so that a line extrapolated far from its counts cannot map a score to 0 or beyond float's range.
            double scale = Math.Clamp(referenceSpread / spread, 1 / MaximumScale, MaximumScale);
            float offset = (float)(referenceMedian - scale * median);
            (scales[k], offsets[k]) = float.IsFinite(offset) ? ((float)scale, offset) : (1f, 0f);
        }
        return new ObservedCountScale(scales, offsets);
    }

    /// <summary>The weighted least-squares line y = a + b·u through <paramref name="points"/>; b = 0 when every u is the same.</summary>
    private static (double Intercept, double Slope) Line(IEnumerable<(double U, double Y, double Weight)> points)
    {
        double w = 0, wu = 0, wy = 0, wuu = 0, wuy = 0;
        foreach (var (u, y, weight) in points)
        {
            w += weight; wu += weight * u; wy += weight * y; wuu += weight * u * u; wuy += weight * u * y;
        }
        double variance = wuu / w - (wu / w) * (wu / w);
        double slope = variance > 1e-12 ? (wuy / w - (wu / w) * (wy / w)) / variance : 0;
        return (wy / w - slope * wu / w, slope);
    }

    /// <summary>The linear-interpolation quantile (type 7) of ascending <paramref name="sorted"/>.</summary>
    private static double Quantile(float[] sorted, double q)
    {
        double position = q * (sorted.Length - 1);
        int below = (int)Math.Floor(position);
        int above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + (position - below) * ((double)sorted[above] - sorted[below]);
    }

    /// <summary>Throws unless the map is for <paramref name="model"/>: a model of missing values with <see cref="Features"/> feature slots.</summary>
    internal void CheckFits(VaeModel model)
    {
        if (model.MissingValues != VaeMissingValues.Model)
            throw new ArgumentException($"A score map by observed count is for a model of missing values (MissingValues = Model); this model's is {model.MissingValues}.");
        if (Features != model.InputLayout.Features)
            throw new ArgumentException($"The score map covers rows of up to {Features} observed features, but the model reads {model.InputLayout.Features}.");
    }
}
