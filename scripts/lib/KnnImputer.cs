// k-nearest-neighbour imputation with scikit-learn's KNNImputer semantics (weights 'uniform', metric
// 'nan_euclidean'), for the scripts that include it with `#:include lib/KnnImputer.cs`.

/// <summary>
/// Fills the NaN cells of a row from the training rows (<paramref name="train"/>, NaN where missing): a missing cell j
/// gets the mean of feature j over the k nearest training rows that observe j, nearness being
/// <see cref="NanEuclidean"/>; rows at no defined distance (no feature observed by both) are not neighbours, and a
/// cell with no neighbour at all gets the training rows' observed mean of j, as KNNImputer does. Ties between equal
/// distances go to the earlier training row (KNNImputer's argpartition leaves their order unspecified).
/// </summary>
sealed class KnnImputer(float[][] train, int k)
{
    readonly double[] _observedMean = Enumerable.Range(0, train[0].Length)
        .Select(j => train.Select(r => r[j]).Where(v => !float.IsNaN(v)).DefaultIfEmpty(0f).Average(v => (double)v)).ToArray();

    /// <summary>
    /// scikit-learn's nan_euclidean distance: sqrt(D / n · Σ (a_j − b_j)²) over the n features both rows observe, of
    /// D in all; NaN when they observe none in common.
    /// </summary>
    public static double NanEuclidean(float[] a, float[] b)
    {
        double s = 0; int n = 0;
        for (int j = 0; j < a.Length; j++)
            if (!float.IsNaN(a[j]) && !float.IsNaN(b[j])) { double e = a[j] - b[j]; s += e * e; n++; }
        return n == 0 ? double.NaN : Math.Sqrt(s * a.Length / n);
    }

    /// <summary><paramref name="row"/> with each NaN cell filled; observed cells are kept.</summary>
    public float[] Impute(float[] row)
    {
        var filled = (float[])row.Clone();
        if (!row.Any(float.IsNaN)) return filled;
        var distance = train.Select(t => NanEuclidean(row, t)).ToArray();
        // The training rows at a defined distance, nearest first, sorted once for all of the row's missing cells.
        var byDistance = Enumerable.Range(0, train.Length).Where(i => !double.IsNaN(distance[i]))
            .OrderBy(i => distance[i]).ThenBy(i => i).ToArray();
        for (int j = 0; j < row.Length; j++)
        {
            if (!float.IsNaN(row[j])) continue;
            var nearest = byDistance.Where(i => !float.IsNaN(train[i][j])).Take(k).ToArray();
            filled[j] = nearest.Length == 0 ? (float)_observedMean[j] : (float)nearest.Average(i => (double)train[i][j]);
        }
        return filled;
    }
}
