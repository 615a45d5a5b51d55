namespace Vae.MLNet.Tests.Conformance;

/// <summary>Which steps of an estimator's life must refuse an <see cref="InvalidInput"/>.</summary>
internal enum RefusedBy
{
    /// <summary>Every step: the estimator's <c>GetOutputSchema</c> and <c>Fit</c>, the fitted and the reloaded transformers.</summary>
    All,

    /// <summary>
    /// <c>Fit</c> and the transformers, but not the estimator's <c>GetOutputSchema</c>: a <c>SchemaShape</c> records
    /// that a vector's size is known, not the size, so a vector of the wrong size for a fixed model looks valid there.
    /// </summary>
    FitAndTransformers,

    /// <summary>
    /// Only the fitted and reloaded transformers: the estimator trains on it (a new model of that width), the
    /// transformer fitted on the valid data has another width.
    /// </summary>
    Transformers,
}
