using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Vae.MLNet.Training;

/// <summary>
/// What both VAE estimators do before and during <c>Fit</c>: check the input, seed, read and train. It keeps the
/// options it is given, which each estimator copied at construction.
/// </summary>
internal sealed class VaeEstimatorCore
{
    private readonly IHost _host;
    private readonly VaeTrainingOptions _options;
    private readonly int _seed;

    public VaeEstimatorCore(IHostEnvironment env, string name, string featureColumnName, VaeTrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentException.ThrowIfNullOrWhiteSpace(featureColumnName);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _host = env.Register(name);
        _options = options;
        FeatureColumnName = featureColumnName;
        _seed = options.Seed ?? _host.Rand.Next();
    }

    public string FeatureColumnName { get; }

    /// <summary>The input schema with <paramref name="added"/> columns, after checking the feature column.</summary>
    public SchemaShape OutputSchema(SchemaShape input, IEnumerable<(string Name, DataViewType Type)> added)
    {
        ArgumentNullException.ThrowIfNull(input);
        FeatureColumn.CheckShape(input, FeatureColumnName);
        return MLNetInternals.AddColumns(input, added);
    }

    /// <summary>
    /// A known-size Single vector column's type, for <see cref="OutputSchema"/>: a <see cref="SchemaShape"/> records
    /// that a vector's size is known, not the size, so any size describes an output as wide as the features.
    /// </summary>
    public static readonly DataViewType KnownSizeVector = new VectorDataViewType(NumberDataViewType.Single, 1);

    /// <summary>
    /// Reads the feature column once into a contiguous buffer, all of it or a uniform sample of
    /// <see cref="VaeTrainingOptions.MaxTrainingRowsFor"/> rows, and trains on it.
    /// </summary>
    public TrainedModel Train(IDataView data)
    {
        ArgumentNullException.ThrowIfNull(data);
        using var channel = _host.Start("Train");
        int width = FeatureColumn.CheckSchema(data.Schema, FeatureColumnName);
        // Another stream than the training's shuffle of the rows, so that the sample does not follow it.
        var features = FeatureColumn.ReadSample(data, FeatureColumnName, _options.MaxTrainingRowsFor(width), unchecked(_seed * 31 + 7),
            _options.MissingValues, out int rows, out int dimension, out long dataRows);
        if (dataRows > rows)
            channel.Info(MessageSensitivity.None,
                $"The data has {dataRows} rows of {dimension} features, more than the {rows} that MaxTrainingRows lets training hold: " +
                $"training on a uniform random sample of {rows} rows (reservoir sampling, seed {_seed}).");
        channel.Info(MessageSensitivity.None, $"Training a VAE on {rows} rows of {dimension} features from '{FeatureColumnName}'.");
        var model = VaeTrainer.Train(features, rows, dimension, _options, _seed, FeatureColumnName, channel, out var heldOut);
        return new TrainedModel(model, features, rows, dimension, heldOut, _seed);
    }

    /// <summary>A channel of this estimator's host, for what happens after training.</summary>
    public IChannel StartChannel(string name) => _host.Start(name);
}
