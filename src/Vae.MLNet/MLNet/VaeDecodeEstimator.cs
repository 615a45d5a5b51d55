using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.MLNet;

/// <summary>
/// Adds a trained VAE's decoder to a pipeline: <c>Fit</c> trains nothing and returns the
/// <see cref="VaeDecodeTransformer"/>. Create it with <c>mlContext.Transforms.VaeDecode</c>.
/// </summary>
public sealed class VaeDecodeEstimator : IEstimator<VaeDecodeTransformer>
{
    private readonly VaeModel _model;
    private readonly string _outputColumnName;
    private readonly string _inputColumnName;

    internal VaeDecodeEstimator(VaeModel model, string outputColumnName, string inputColumnName)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputColumnName);
        ArgumentException.ThrowIfNullOrWhiteSpace(inputColumnName);
        _model = model;
        _outputColumnName = outputColumnName;
        _inputColumnName = inputColumnName;
    }

    /// <summary>Checks the latent column and returns the decoder transform.</summary>
    public VaeDecodeTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var transformer = new VaeDecodeTransformer(_model, _outputColumnName, _inputColumnName);
        transformer.GetOutputSchema(input.Schema);
        return transformer;
    }

    /// <summary>The input schema plus the reconstruction column; fails if the latent column is not a known-size Single vector.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        FeatureColumn.CheckShape(inputSchema, _inputColumnName);
        return MLNetInternals.AddColumns(inputSchema, [(_outputColumnName, new VectorDataViewType(NumberDataViewType.Single, _model.InputDimension))]);
    }
}
