namespace Vae.MLNet;

/// <summary>
/// Where an output getter finds its value: a scored batch and the current row's index in it. A batch cursor scores
/// a block of rows at a time; a single-row mapper scores one row when its position changes.
/// </summary>
internal abstract class ScoredRow
{
    /// <summary>The 0-based position of the current row in the data view.</summary>
    public abstract long Position { get; }

    /// <summary>The scored batch that holds the current row, and the row's index in it.</summary>
    public abstract VaeScoreBatch Current(out int index);
}
