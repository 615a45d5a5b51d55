namespace Vae.MLNet;

/// <summary>
/// Thrown when the data given to a VAE cannot be used: a NaN or infinite feature, a vector of the wrong size,
/// or no rows. It names the column and, where there is one, the first bad row, so the data can be fixed.
/// </summary>
public sealed class VaeDataException : InvalidOperationException
{
    /// <summary>Creates the exception for a column and, when known, a row.</summary>
    public VaeDataException(string columnName, long? row, string message, int? slot = null)
        : base(message)
    {
        ColumnName = columnName;
        Row = row;
        Slot = slot;
    }

    /// <summary>The column that holds the bad value.</summary>
    public string ColumnName { get; }

    /// <summary>
    /// The 0-based position of the first bad row in the data view, when the problem is in a row of one; null for the
    /// row given to <c>PredictionEngine.Predict</c>, which is no row of a data view.
    /// </summary>
    public long? Row { get; }

    /// <summary>The 0-based slot of the bad value in the row's feature vector, when one value is at fault.</summary>
    public int? Slot { get; }
}
