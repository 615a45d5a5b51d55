using System.Globalization;
using System.Text.Json;

namespace Vae.MLNet;

/// <summary>
/// The metadata_props every Vae.MLNet ONNX graph carries: what the weights alone do not say (activation,
/// likelihood, the Gaussian's log-variances, which the graph folds into constants) and what a component adds
/// (its kind, columns and threshold). Versioned, so a reader can refuse a file it does not understand.
/// </summary>
internal static class VaeOnnxMetadata
{
    /// <summary>
    /// The format this library writes for a model of mixed columns (<see cref="InputLayout"/>), which a reader of
    /// version 1 must refuse rather than score as one real column.
    /// </summary>
    public const int FormatVersion = 2;

    /// <summary>
    /// The format of a model of one real column, written as it always was, so that its files stay byte for byte what
    /// they were; this library reads both.
    /// </summary>
    public const int SingleColumnFormatVersion = 1;

    /// <summary>What every key this library writes starts with.</summary>
    public const string Prefix = "vae_mlnet.";

    public const string Format = "vae_mlnet.format";
    public const string Activation = "vae_mlnet.activation";
    public const string Likelihood = "vae_mlnet.likelihood";
    public const string OutputLogVariance = "vae_mlnet.output_log_variance";
    public const string EncoderLayers = "vae_mlnet.encoder_layers";
    public const string DecoderLayers = "vae_mlnet.decoder_layers";

    /// <summary>
    /// How the model treats NaN features; written only for <see cref="VaeMissingValues.Model"/>, so that the files of
    /// other models stay byte for byte what they were, and read as <see cref="VaeMissingValues.Error"/> when absent.
    /// </summary>
    public const string MissingValues = "vae_mlnet.missing_values";

    /// <summary>
    /// The input columns of a model of mixed columns, as JSON (name, kind, slots, categories per column); written only
    /// for such a model, and read as one real column when absent.
    /// </summary>
    public const string InputLayout = "vae_mlnet.input_layout";

    /// <summary>What the file holds: <see cref="ModelKind"/>, or a component of a saved ML.NET pipeline.</summary>
    public const string Kind = "vae_mlnet.kind";
    public const string ModelKind = "model";
    public const string EncodeKind = "encode";
    public const string AnomalyKind = "anomaly";

    public const string FeatureColumn = "vae_mlnet.feature_column";
    public const string LatentColumn = "vae_mlnet.latent_column";
    public const string LogVarianceColumn = "vae_mlnet.log_variance_column";
    public const string Threshold = "vae_mlnet.threshold";
    public const string CalibrationScores = "vae_mlnet.calibration_scores";
    public const string PValueColumn = "vae_mlnet.p_value_column";
    public const string FeatureErrorColumn = "vae_mlnet.feature_error_column";
    public const string ReconstructionColumn = "vae_mlnet.reconstruction_column";
    public const string ScoreKind = "vae_mlnet.score_kind";
    public const string ScoreSamples = "vae_mlnet.score_samples";
    public const string ScoreSeed = "vae_mlnet.score_seed";
    public const string ScoreLatentDensityWeight = "vae_mlnet.score_latent_density_weight";
    // Absent from files written before minor components: their models have none, so the weight changes nothing.
    public const string ScoreMinorComponentWeight = "vae_mlnet.score_minor_component_weight";
    // Written only for a detector of missing values whose training fitted the map, so that every other file is unchanged.
    public const string ScoreObservedCountScales = "vae_mlnet.score_observed_count_scales";
    public const string ScoreObservedCountOffsets = "vae_mlnet.score_observed_count_offsets";
    public const string DecodeKind = "decode";
    public const string ImputeKind = "impute";

    /// <summary>The entries that describe <paramref name="model"/> beyond its weights.</summary>
    public static IReadOnlyDictionary<string, string> Describe(VaeModel model)
    {
        var description = new Dictionary<string, string>
        {
            [Format] = (model.InputLayout.IsSingleReal ? SingleColumnFormatVersion : FormatVersion).ToString(CultureInfo.InvariantCulture),
            [Activation] = model.Activation.ToString(),
            [Likelihood] = model.Likelihood.ToString(),
            [OutputLogVariance] = FormatFloats(model.OutputLogVariance),
            [EncoderLayers] = model.EncoderLayers.Count.ToString(CultureInfo.InvariantCulture),
            [DecoderLayers] = model.DecoderLayers.Count.ToString(CultureInfo.InvariantCulture),
        };
        if (model.MissingValues != VaeMissingValues.Error)
            description[MissingValues] = model.MissingValues.ToString();
        if (!model.InputLayout.IsSingleReal)
            description[InputLayout] = JsonSerializer.Serialize(model.InputLayout.Columns.Select(c => new LayoutEntry(c.Name, c.Kind.ToString(), c.Slots, c.Categories)));
        return description;
    }

    /// <summary>The input columns the metadata describes; null when it describes none (one real column, as wide as the decoder's output).</summary>
    /// <remarks>
    /// The layout and the format version must agree: a file of version 2 without its layout would otherwise score its
    /// key and Boolean cells as real values, and one of version 1 with a layout is no file this library writes.
    /// </remarks>
    public static VaeInputLayout? ReadInputLayout(IReadOnlyDictionary<string, string> metadata)
    {
        bool mixed = metadata.GetValueOrDefault(Format) == FormatVersion.ToString(CultureInfo.InvariantCulture);
        if (!metadata.TryGetValue(InputLayout, out var text))
            return mixed ? throw new FormatException($"it is of format version {FormatVersion}, a model of mixed columns, but has no '{InputLayout}' metadata.") : null;
        if (!mixed)
            throw new FormatException($"it is of format version {SingleColumnFormatVersion}, a model of one real column, but has '{InputLayout}' metadata.");
        LayoutEntry[]? entries;
        try
        {
            entries = JsonSerializer.Deserialize<LayoutEntry[]>(text);
        }
        catch (JsonException error)
        {
            throw new FormatException($"the input layout '{text}' is not valid: {error.Message}", error);
        }
        if (entries is null || entries.Any(e => e is null || e.Name is null || e.Kind is null))
            throw new FormatException($"the input layout '{text}' lacks a column's name or kind.");
        return new VaeInputLayout(entries.Select(e => new VaeInputColumn(e.Name, ParseName<VaeInputKind>(e.Kind), e.Slots, e.Categories)));
    }

    /// <summary>One column of <see cref="InputLayout"/>, as JSON holds it.</summary>
    private sealed record LayoutEntry(string Name, string Kind, int Slots, int Categories);

    /// <summary>How the model whose metadata this is treats NaN features; <see cref="VaeMissingValues.Error"/> when unsaid.</summary>
    public static VaeMissingValues ReadMissingValues(IReadOnlyDictionary<string, string> metadata) =>
        metadata.TryGetValue(MissingValues, out var text) ? ParseName<VaeMissingValues>(text) : VaeMissingValues.Error;

    /// <summary>Records how a detector scores.</summary>
    public static void DescribeScoring(VaeScoring scoring, Dictionary<string, string> metadata)
    {
        metadata[ScoreKind] = scoring.Kind.ToString();
        metadata[ScoreSamples] = scoring.Samples.ToString(CultureInfo.InvariantCulture);
        metadata[ScoreSeed] = scoring.Seed.ToString(CultureInfo.InvariantCulture);
        metadata[ScoreLatentDensityWeight] = scoring.LatentDensityWeight.ToString("R", CultureInfo.InvariantCulture);
        metadata[ScoreMinorComponentWeight] = scoring.MinorComponentWeight.ToString("R", CultureInfo.InvariantCulture);
        if (scoring.ObservedCountScale is { } countScale)
        {
            metadata[ScoreObservedCountScales] = FormatFloats(countScale.Scales);
            metadata[ScoreObservedCountOffsets] = FormatFloats(countScale.Offsets);
        }
    }

    /// <summary>How a saved detector scores; files written before score kinds existed score the default.</summary>
    public static VaeScoring ReadScoring(IReadOnlyDictionary<string, string> metadata)
    {
        if (!metadata.TryGetValue(ScoreKind, out var kind))
            return VaeScoring.NegativeElboAtMean;
        var scoring = new VaeScoring(ParseName<VaeScoreKind>(kind),
            int.Parse(Required(metadata, ScoreSamples), CultureInfo.InvariantCulture), int.Parse(Required(metadata, ScoreSeed), CultureInfo.InvariantCulture),
            double.Parse(Required(metadata, ScoreLatentDensityWeight), NumberStyles.Float, CultureInfo.InvariantCulture),
            metadata.TryGetValue(ScoreMinorComponentWeight, out var minor) ? double.Parse(minor, NumberStyles.Float, CultureInfo.InvariantCulture) : VaeScoring.Defaults.MinorComponentWeight,
            ReadObservedCountScale(metadata));
        scoring.Validate();
        return scoring;
    }

    /// <summary>The score's map by observed count, if the file has one: both tables or neither.</summary>
    private static ObservedCountScale? ReadObservedCountScale(IReadOnlyDictionary<string, string> metadata)
    {
        bool hasScales = metadata.TryGetValue(ScoreObservedCountScales, out var scales);
        bool hasOffsets = metadata.TryGetValue(ScoreObservedCountOffsets, out var offsets);
        if (hasScales != hasOffsets)
            throw new FormatException($"it has '{(hasScales ? ScoreObservedCountScales : ScoreObservedCountOffsets)}' without '{(hasScales ? ScoreObservedCountOffsets : ScoreObservedCountScales)}'.");
        // The constructor's ArgumentException says which value is wrong; the reader reports it as damage.
        return hasScales ? new ObservedCountScale(ParseFloats(scales!), ParseFloats(offsets!)) : null;
    }

    /// <summary>The value under <paramref name="key"/>, which a file this library wrote always has.</summary>
    public static string Required(IReadOnlyDictionary<string, string> metadata, string key) =>
        metadata.TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"the metadata '{key}' is missing.");

    /// <summary>
    /// The member of <typeparamref name="TEnum"/> written as <paramref name="text"/>. Only names count: Enum.Parse would
    /// also take "7" or "Relu, Tanh", values that no member has.
    /// </summary>
    public static TEnum ParseName<TEnum>(string text) where TEnum : struct, Enum =>
        Enum.GetNames<TEnum>().Contains(text, StringComparer.Ordinal)
            ? Enum.Parse<TEnum>(text)
            : throw new FormatException($"'{text}' is not a {typeof(TEnum).Name} ({string.Join(", ", Enum.GetNames<TEnum>())}).");

    /// <summary>Floats as text that parses back to the same bits.</summary>
    public static string FormatFloats(IEnumerable<float> values) =>
        string.Join(" ", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));

    /// <summary>The floats <see cref="FormatFloats"/> wrote; they are finite, as everything this library saves.</summary>
    public static float[] ParseFloats(string text) =>
        text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(ParseFinite).ToArray();

    /// <summary>
    /// The threshold <see cref="FormatFloats"/> wrote: a number or +∞ / −∞ (a calibrated threshold for a rate that
    /// too few calibration rows cannot resolve flags nothing), never NaN.
    /// </summary>
    public static float ParseThreshold(string text) =>
        float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float value) && !float.IsNaN(value)
            ? value
            : throw new FormatException($"the threshold '{text}' is not one number.");

    private static float ParseFinite(string text)
    {
        // float.Parse reads "1e40" as ∞ rather than failing.
        float value = float.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        return float.IsFinite(value) ? value : throw new FormatException($"'{text}' is not a finite number.");
    }
}
