using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Vae.MLNet.Training;

/// <summary>
/// Trains a VAE of missing values on a feature column (NaN = missing cell) and produces a
/// <see cref="VaeImputeTransformer"/> that fills each missing cell with the model's conditional estimate given the
/// row's observed cells. Create it with <c>mlContext.Transforms.VaeImpute</c>.
/// </summary>
public sealed class VaeImputeEstimator : IEstimator<VaeImputeTransformer>
{
    /// <summary>
    /// Options of the VAE imputer. It always trains with <see cref="VaeMissingValues.Model"/>, whatever
    /// <see cref="VaeTrainingOptions.MissingValues"/> says: a model that refuses NaN cannot impute.
    /// </summary>
    public sealed class Options : VaeTrainingOptions
    {
        /// <summary>The features, NaN where a cell is missing: a known-size vector of Single (standardized works best). Default <see cref="VaeTrainingOptions.Defaults.FeatureColumnName"/>.</summary>
        public string InputColumnName = Defaults.FeatureColumnName;

        /// <summary>The filled features, a vector as wide as the input; may be the input column to fill in place. Default <see cref="VaeTrainingOptions.Defaults.FeatureColumnName"/>.</summary>
        public string OutputColumnName = Defaults.FeatureColumnName;

        /// <summary>Latent draws per row of the importance-weighted estimate, at most <see cref="VaeScoring.MaximumSamples"/>. Default <see cref="VaeImputeTransformer.DefaultSamples"/>.</summary>
        public int ImputationSamples = VaeImputeTransformer.DefaultSamples;

        /// <summary>Seed of the draws, which are the same for every row. Default 0.</summary>
        public int ImputationSeed;
    }

    private readonly Options _options;
    private readonly VaeEstimatorCore _core;

    internal VaeImputeEstimator(IHostEnvironment env, Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // A copy, as ML.NET's estimators take their options: changing the caller's object later changes nothing here.
        options = options.Copy<Options>();
        ArgumentException.ThrowIfNullOrWhiteSpace(options.OutputColumnName, nameof(options.OutputColumnName));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ImputationSamples, 1, nameof(options.ImputationSamples));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.ImputationSamples, VaeScoring.MaximumSamples, nameof(options.ImputationSamples));
        options.MissingValues = VaeMissingValues.Model;
        _options = options;
        _core = new VaeEstimatorCore(env, nameof(VaeImputeEstimator), options.InputColumnName, nameof(options.InputColumnName), options,
            singleVector: options.AdditionalFeatureColumnNames.Length == 0);
    }

    /// <summary>
    /// Trains the VAE on every row of the input columns, their missing cells left out of the likelihood; a Boolean input
    /// column, which has nothing to fill, is refused before training.
    /// </summary>
    public VaeImputeTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        VaeImputeTransformer.CheckMainColumn(FeatureColumns.Infer(input.Schema, _core.FeatureColumnNames), _options.InputColumnName);
        return new(_core.Train(input).Model, _options.OutputColumnName, _options.InputColumnName, _options.ImputationSamples, _options.ImputationSeed);
    }

    /// <summary>
    /// The input schema plus the filled features, of the input column's type (a known-size Single vector when it is the
    /// only column); the other filled columns keep their names and types. Fails if an input column is of no VAE kind.
    /// </summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        if (_options.AdditionalFeatureColumnNames.Length == 0)
            return _core.OutputSchema(inputSchema, [(_options.OutputColumnName, VaeEstimatorCore.KnownSizeVector)]);
        // The filled main column has the input column's shape (a SchemaShape knows a vector's size is known, not the size).
        var input = inputSchema.LastOrDefault(c => c.Name == _options.InputColumnName);
        // It records that a column is a key, not the key's count: any count describes it.
        var item = input.IsKey ? new KeyDataViewType(typeof(uint), 1) : input.ItemType as PrimitiveDataViewType;
        DataViewType type = item is null ? VaeEstimatorCore.KnownSizeVector
            : input.Kind == SchemaShape.Column.VectorKind.Vector ? new VectorDataViewType(item, 1) : item;
        return _core.OutputSchema(inputSchema, [(_options.OutputColumnName, type)]);
    }
}
