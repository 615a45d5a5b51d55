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
    private readonly bool _singleVector;

    /// <param name="env">The host environment.</param>
    /// <param name="name">The estimator's name, for the host.</param>
    /// <param name="featureColumnName">The main input column.</param>
    /// <param name="featureColumnOption">The option that names it, for messages: <c>InputColumnName</c> or <c>FeatureColumnName</c>.</param>
    /// <param name="options">The estimator's copy of its options.</param>
    /// <param name="singleVector">Whether the estimator reads only a known-size vector of Single (the imputer), not columns of every kind.</param>
    public VaeEstimatorCore(IHostEnvironment env, string name, string featureColumnName, string featureColumnOption, VaeTrainingOptions options,
        bool singleVector = false)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentException.ThrowIfNullOrWhiteSpace(featureColumnName, featureColumnOption);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _host = env.Register(name);
        _options = options;
        _singleVector = singleVector;
        FeatureColumnNames = [featureColumnName, .. options.AdditionalFeatureColumnNames];
        if (FeatureColumnNames.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new ArgumentException($"Column '{twice.Key}' is named twice among the feature columns; a VAE reads each column once.",
                nameof(options.AdditionalFeatureColumnNames));
        _seed = options.Seed ?? _host.Rand.Next();
    }

    /// <summary>The columns the model reads: the main one, then <see cref="VaeTrainingOptions.AdditionalFeatureColumnNames"/>.</summary>
    public string[] FeatureColumnNames { get; }

    /// <summary>
    /// The input schema with <paramref name="added"/> columns, after checking the feature column; those named in
    /// <paramref name="slotNamedIfMixed"/> carry <c>SlotNames</c> when the input columns are not one real column, as the
    /// transformer's per-feature outputs then do (<see cref="VaeInputLayout.SlotNames"/>), or when the one real column has
    /// slot names, which they carry.
    /// </summary>
    public SchemaShape OutputSchema(SchemaShape input, IEnumerable<(string Name, DataViewType Type)> added, IReadOnlySet<string>? slotNamedIfMixed = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        foreach (var name in FeatureColumnNames)
        {
            if (_singleVector)
                FeatureColumn.CheckShape(input, name);
            FeatureColumns.CheckShape(input, name);
        }
        var main = input.Last(c => c.Name == FeatureColumnNames[0]);
        bool mixed = FeatureColumnNames.Length > 1 || main.IsKey || main.ItemType != NumberDataViewType.Single;
        // One real column with named slots passes its names on to the per-feature outputs.
        bool named = mixed || main.Annotations.Any(a => a.Name == "SlotNames");
        return MLNetInternals.AddColumns(input, added, named ? slotNamedIfMixed : null);
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
        if (_singleVector)
            FeatureColumn.CheckSchema(data.Schema, FeatureColumnNames[0]);
        var layout = FeatureColumns.Infer(data.Schema, FeatureColumnNames);
        int dimension = layout.Cells;
        // Another stream than the training's shuffle of the rows, so that the sample does not follow it.
        var features = FeatureColumn.ReadSample(data, FeatureColumnNames, layout, _options.MaxTrainingRowsFor(dimension), unchecked(_seed * 31 + 7),
            _options.MissingValues, out int rows, out long dataRows);
        if (dataRows > rows)
            channel.Info(MessageSensitivity.None,
                $"The data has {dataRows} rows of {dimension} features, more than the {rows} that MaxTrainingRows lets training hold: " +
                $"training on a uniform random sample of {rows} rows (reservoir sampling, seed {_seed}).");
        if (_options.MissingValues == VaeMissingValues.Model)
            CheckEveryFeatureObserved(features, rows, layout);
        string source = layout.IsSingleReal ? $"'{FeatureColumnNames[0]}'" : $"{layout.Features} features ({layout})";
        channel.Info(MessageSensitivity.None, $"Training a VAE on {rows} rows of {dimension} features from {source}.");
        var model = VaeTrainer.Train(features, rows, layout, _options, _seed, FeatureColumnNames[0], channel, out var heldOut);
        return new TrainedModel(model, features, rows, dimension, heldOut, _seed);
    }

    /// <summary>
    /// Fails unless every feature is observed in at least one training row. One missing in all of them leaves its part
    /// of the network untrained, so an observed value of it scores arbitrarily: with one of 8 features never observed,
    /// 21% of new normal rows that had it were flagged at a promised 10%.
    /// </summary>
    private void CheckEveryFeatureObserved(float[] features, int rows, VaeInputLayout layout)
    {
        int cells = layout.Cells;
        var observed = new bool[cells];
        int unobserved = cells;
        for (long i = 0; i < (long)rows * cells && unobserved > 0; i++)
            if (!observed[i % cells] && !float.IsNaN(features[i]))
            {
                observed[i % cells] = true;
                unobserved--;
            }
        if (unobserved == 0)
            return;
        int slot = layout.SlotOfCells()[Array.IndexOf(observed, false)];
        // The column that holds the slot, and the slot's place in it.
        int column = 0, first = 0;
        for (; slot >= first + layout.Columns[column].Slots; column++)
            first += layout.Columns[column].Slots;
        throw new VaeDataException(FeatureColumnNames[column], null,
            $"Feature '{layout.SlotNames(FeatureColumnNames[0])[slot]}' is missing (NaN, or key 0) in all {rows} training rows: the model has nothing " +
            "to learn it from, and would score its observed values arbitrarily. Drop it, or train on rows where it is observed.", slot - first);
    }

    /// <summary>A channel of this estimator's host, for what happens after training.</summary>
    public IChannel StartChannel(string name) => _host.Start(name);
}
