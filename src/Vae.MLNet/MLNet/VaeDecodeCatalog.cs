using Vae.MLNet;

namespace Microsoft.ML;

/// <summary>The VAE decoder on ML.NET's transforms catalog; needs no TorchSharp.</summary>
public static class VaeDecodeCatalog
{
    /// <summary>
    /// Decodes the latent vectors in <paramref name="inputColumnName"/> (a vector of <see cref="VaeModel.LatentDimension"/>
    /// Singles) with <paramref name="model"/>'s decoder into <paramref name="outputColumnName"/> (a vector of
    /// <see cref="VaeModel.InputDimension"/> Singles).
    /// </summary>
    /// <param name="catalog">The transforms catalog, <c>mlContext.Transforms</c>.</param>
    /// <param name="model">A trained VAE, e.g. <c>featurizer.Model</c> or <c>VaeModelFile.Load(path)</c>.</param>
    /// <param name="outputColumnName">The reconstruction column.</param>
    /// <param name="inputColumnName">The latent column.</param>
    public static VaeDecodeEstimator VaeDecode(this TransformsCatalog catalog, VaeModel model, string outputColumnName, string inputColumnName)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new VaeDecodeEstimator(model, outputColumnName, inputColumnName);
    }
}
