namespace Vae.MLNet;

/// <summary>
/// What a VAE does with a missing feature value: NaN, ML.NET's convention for a missing <c>Single</c>. ML.NET's
/// <c>TextLoader</c> reads an empty cell as 0, not NaN, unless its <c>MissingRealsAsNaNs</c> option is set: without it
/// an empty cell is an observed 0 under either choice.
/// </summary>
public enum VaeMissingValues
{
    /// <summary>
    /// NaN is an error: training and scoring stop with a <see cref="VaeDataException"/> that names the column, row and
    /// slot. The default, so that a NaN that is a bug in the data pipeline (a failed parse, a division by zero) is
    /// caught rather than modelled; choose <see cref="Model"/> for tables whose cells are legitimately empty.
    /// </summary>
    Error,

    /// <summary>
    /// NaN is a missing cell that the model handles itself (as MIWAE does, Mattei &amp; Frellsen 2019). The encoder reads
    /// the observed values with missing cells set to 0 (the mean of standardized features) beside the missingness mask,
    /// so its input is twice the number of features; training maximizes the ELBO of the observed cells only; the
    /// reconstruction term of a score sums −log p(xⱼ|z) over the observed cells and rescales it by D / (observed count),
    /// so that a row with missing cells scores on the scale of a complete row; per-feature errors are NaN for missing
    /// cells. ±∞ is still an error, and so is a row with no observed value, which holds no evidence to score.
    /// </summary>
    Model,
}
