// The imputation error of issue 18's missing-value bar, for the scripts that include it with
// `#:include lib/HiddenCells.cs` (missing_baselines.cs, missing_vae.cs), so that every imputer is scored alike.

/// <summary>Squared errors of filled cells against the truth, over the cells hidden in the masked rows.</summary>
sealed class HiddenCells
{
    // Summed over the hidden cells of all rows [0] and of normal rows (Label 0) [1].
    readonly double[] _se = new double[2];
    readonly long[] _count = new long[2];

    /// <summary>Adds row <paramref name="masked"/>'s hidden (NaN) cells: <paramref name="filled"/> against <paramref name="truth"/>.</summary>
    public void Add(float[] masked, float[] filled, float[] truth, bool anomaly)
    {
        for (int j = 0; j < masked.Length; j++)
            if (float.IsNaN(masked[j]))
                foreach (int g in anomaly ? new[] { 0 } : new[] { 0, 1 })
                {
                    _se[g] += Math.Pow(filled[j] - truth[j], 2);
                    _count[g]++;
                }
    }

    /// <summary>RMSE over the hidden cells of all rows.</summary>
    public double Rmse => Math.Sqrt(_se[0] / _count[0]);

    /// <summary>RMSE over the hidden cells of the normal rows only.</summary>
    public double RmseNormal => Math.Sqrt(_se[1] / _count[1]);

    /// <summary>Hidden cells of all rows, and of the normal rows.</summary>
    public long Count => _count[0];

    /// <inheritdoc cref="Count"/>
    public long CountNormal => _count[1];
}
