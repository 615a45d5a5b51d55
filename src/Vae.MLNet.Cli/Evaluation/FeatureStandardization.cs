using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.MLNet.Cli;

/// <summary>
/// The CLI's preprocessing: each column of numbers z-scored with the training rows' mean and standard deviation, then
/// those columns concatenated into <see cref="CsvDataset.FeaturesColumn"/> in the training file's order; each
/// categorical column mapped in place to a key by MapValueToKey, fitted on the training rows (a value they lack is the
/// missing key, 0); Boolean columns as TextLoader read them. Only ML.NET's own transformers (NormalizeMeanVariance,
/// Concatenate, MapValueToKey), so that a saved pipeline loads anywhere ML.NET runs, and its input is the named feature
/// columns, so that a file is matched to it by column name.
/// </summary>
/// <remarks>
/// ML.NET's NormalizeMeanVariance gives a column with one value c in every training row the scale 0, which maps every
/// value to 0: a test row far from c there would score as if it held c. Such a column keeps the scale 1 instead, as
/// scikit-learn's StandardScaler does (x − c): its normalizer is ML.NET's own, fitted on the two rows c − d and c + d,
/// whose mean is c and whose standard deviation is d = 1 (or the spacing of Singles near c, where that is wider).
/// </remarks>
internal static class FeatureStandardization
{
    public static TransformerChain<ITransformer> Fit(MLContext ml, CsvDataset train)
    {
        var steps = new List<ITransformer>();
        var varying = train.NumberColumns.Select(column => column.Name).Where(name => !train.ConstantFeatures.ContainsKey(name)).Select(name => new InputOutputColumnPair(name)).ToArray();
        // fixZero: false centres the features, as a z-score does; ML.NET's default only scales them.
        if (varying.Length > 0)
            steps.Add(ml.Transforms.NormalizeMeanVariance(varying, fixZero: false).Fit(train.Data));
        foreach (var (name, value) in train.ConstantFeatures)
            steps.Add(ml.Transforms.NormalizeMeanVariance(name, fixZero: false).Fit(Spread(ml, name, value)));
        if (train.NumberColumns.Length > 0)
            steps.Add(train.FeatureVector(ml).Fit(train.Data));
        if (train.Columns.Where(column => column.Kind == VaeInputKind.Categorical).Select(column => new InputOutputColumnPair(column.Name)).ToArray() is [_, ..] categorical)
            steps.Add(ml.Transforms.Conversion.MapValueToKey(categorical).Fit(train.Data));
        return new TransformerChain<ITransformer>(steps.ToArray());
    }

    /// <summary>Two rows of one Single column: c − d and c + d, each exact.</summary>
    private static IDataView Spread(MLContext ml, string name, float value)
    {
        float d = Math.Max(1f, MathF.BitIncrement(Math.Abs(value)) - Math.Abs(value));
        var schema = SchemaDefinition.Create(typeof(Cell));
        schema[0].ColumnName = name;
        return ml.Data.LoadFromEnumerable<Cell>([new() { Value = value - d }, new() { Value = value + d }], schema);
    }

    private sealed class Cell
    {
        public float Value { get; set; }
    }
}
