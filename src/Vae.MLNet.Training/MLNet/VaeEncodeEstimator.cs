using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Vae.MLNet.Training;

/// <summary>
/// Trains a VAE on a feature column and produces a <see cref="VaeEncodeTransformer"/> that adds the latent mean
/// (and on request the log-variance and a seeded sample). Create it with <c>mlContext.Transforms.VaeEncode</c>.
/// </summary>
public sealed class VaeEncodeEstimator : IEstimator<VaeEncodeTransformer>
{
    /// <summary>Options of the VAE featurizer.</summary>
    public sealed class Options : VaeTrainingOptions
    {
        /// <summary>The input: a known-size vector of Single (standardized features work best). Default <see cref="VaeTrainingOptions.Defaults.FeatureColumnName"/>.</summary>
        public string InputColumnName = Defaults.FeatureColumnName;

        /// <summary>The output: the latent mean μ(x), a vector of Single of size <see cref="VaeTrainingOptions.LatentDimension"/>. Default "Latent".</summary>
        public string OutputColumnName = "Latent";

        /// <summary>If set, a column for log σ²(x). Default null (not produced).</summary>
        public string? LogVarianceColumnName;

        /// <summary>If set, a column for a draw z = μ + σ ⊙ ε. Default null (not produced).</summary>
        public string? SampleColumnName;

        /// <summary>Seed of the draws in <see cref="SampleColumnName"/>; the same seed and row give the same z. Default 0.</summary>
        public int SampleSeed;

        /// <summary>If set, a column for the reconstruction at z = μ(x), a vector of D Singles. Default null (not produced).</summary>
        public string? ReconstructionColumnName;
    }

    private readonly Options _options;
    private readonly VaeEstimatorCore _core;

    internal VaeEncodeEstimator(IHostEnvironment env, Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // A copy, as ML.NET's estimators take their options: changing the caller's object later changes nothing here.
        options = options.Copy<Options>();
        ArgumentException.ThrowIfNullOrWhiteSpace(options.OutputColumnName, nameof(options.OutputColumnName));
        VaeEncodeTransformer.CheckColumnNames(options.OutputColumnName, options.LogVarianceColumnName, options.SampleColumnName, options.ReconstructionColumnName);
        _options = options;
        _core = new VaeEstimatorCore(env, nameof(VaeEncodeEstimator), options.InputColumnName, nameof(options.InputColumnName), options);
    }

    /// <summary>Trains the VAE on every row of the input column.</summary>
    public VaeEncodeTransformer Fit(IDataView input)
    {
        var model = _core.Train(input).Model;
        return new VaeEncodeTransformer(model, _options.OutputColumnName, _options.InputColumnName,
            _options.LogVarianceColumnName, _options.SampleColumnName, _options.SampleSeed, _options.ReconstructionColumnName);
    }

    /// <summary>The input schema plus the latent columns; fails if the input is not a known-size Single vector.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var latent = new VectorDataViewType(NumberDataViewType.Single, _options.LatentDimension);
        var added = new List<(string, DataViewType)> { (_options.OutputColumnName, latent) };
        if (_options.LogVarianceColumnName != null)
            added.Add((_options.LogVarianceColumnName, latent));
        if (_options.SampleColumnName != null)
            added.Add((_options.SampleColumnName, latent));
        if (_options.ReconstructionColumnName != null)
            added.Add((_options.ReconstructionColumnName, VaeEstimatorCore.KnownSizeVector));
        return _core.OutputSchema(inputSchema, added);
    }
}
