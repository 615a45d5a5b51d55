namespace Vae.MLNet;

/// <summary>What one input column of a VAE holds, and so which likelihood its cells get (<see cref="VaeInputColumn"/>).</summary>
public enum VaeInputKind
{
    /// <summary>
    /// Real values (<c>Single</c>): one cell per slot, with the model's <see cref="VaeModel.Likelihood"/> (Gaussian,
    /// or Bernoulli for values in [0, 1]). NaN is a missing cell.
    /// </summary>
    Real,

    /// <summary><c>Boolean</c> values: one cell per slot, 0 or 1, with a Bernoulli likelihood.</summary>
    Binary,

    /// <summary>
    /// Keys (from <c>MapValueToKey</c>) over <see cref="VaeInputColumn.Categories"/> values: one-hot cells per slot,
    /// with a categorical likelihood (a softmax over the categories). Key 0, ML.NET's missing key, is a missing cell.
    /// </summary>
    Categorical,
}
