using System.Globalization;
using Google.Protobuf;
using Onnx;

namespace Vae.MLNet;

/// <summary>
/// Rebuilds a <see cref="VaeModel"/> from an ONNX graph written by <see cref="VaeOnnxGraph"/>: the weights from its
/// initializers, the rest from its metadata. Anything else, a damaged file included, gets an
/// <see cref="InvalidDataException"/> that says what is wrong.
/// </summary>
internal static class VaeOnnxReader
{
    /// <summary>The model in <paramref name="bytes"/> and the graph's metadata.</summary>
    public static (VaeModel Model, IReadOnlyDictionary<string, string> Metadata) Read(byte[] bytes, string source)
    {
        var (proto, metadata) = Parse(bytes, source);
        CheckFormat(metadata, source);
        return (ToModel(proto, metadata, source), metadata);
    }

    /// <summary>The ONNX graph in <paramref name="bytes"/> and its metadata; whoever wrote it.</summary>
    public static (ModelProto Proto, Dictionary<string, string> Metadata) Parse(byte[] bytes, string source)
    {
        ModelProto proto;
        try
        {
            proto = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException error)
        {
            throw new InvalidDataException($"{source} is not a valid ONNX model (it may be truncated or corrupted): {error.Message}", error);
        }
        return (proto, proto.MetadataProps.GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value));
    }

    /// <summary>
    /// Whether this library wrote the graph whose metadata this is: any of its keys says so, so that a file that lost
    /// only its format key is reported as damaged rather than taken for another library's model.
    /// </summary>
    public static bool IsOurs(IReadOnlyDictionary<string, string> metadata) =>
        metadata.Keys.Any(key => key.StartsWith(VaeOnnxMetadata.Prefix, StringComparison.Ordinal));

    /// <summary>Fails unless this library, in this format version, wrote the graph.</summary>
    public static void CheckFormat(IReadOnlyDictionary<string, string> metadata, string source)
    {
        if (!metadata.TryGetValue(VaeOnnxMetadata.Format, out var format))
            throw new InvalidDataException($"{source} is not a Vae.MLNet model: it has no '{VaeOnnxMetadata.Format}' metadata.");
        if (format != VaeOnnxMetadata.FormatVersion.ToString(CultureInfo.InvariantCulture) && format != VaeOnnxMetadata.SingleColumnFormatVersion.ToString(CultureInfo.InvariantCulture))
            throw new InvalidDataException(
                $"{source} has Vae.MLNet format version {format}; this version of the library reads versions {VaeOnnxMetadata.SingleColumnFormatVersion} and {VaeOnnxMetadata.FormatVersion}.");
    }

    /// <summary>The model whose weights a full scoring graph holds.</summary>
    public static VaeModel ToModel(ModelProto proto, Dictionary<string, string> metadata, string source) => Guard(source, () =>
    {
        var weights = (proto.Graph?.Initializer ?? []).ToDictionary(t => t.Name);
        return new VaeModel(
            VaeOnnxMetadata.ParseName<VaeActivation>(VaeOnnxMetadata.Required(metadata, VaeOnnxMetadata.Activation)),
            VaeOnnxMetadata.ParseName<VaeLikelihood>(VaeOnnxMetadata.Required(metadata, VaeOnnxMetadata.Likelihood)),
            Layers(weights, "encoder", Count(metadata, VaeOnnxMetadata.EncoderLayers)),
            Layer(weights, "mean"),
            Layer(weights, "log_variance"),
            Layers(weights, "decoder", Count(metadata, VaeOnnxMetadata.DecoderLayers)),
            Layer(weights, "output"),
            VaeOnnxMetadata.ParseFloats(VaeOnnxMetadata.Required(metadata, VaeOnnxMetadata.OutputLogVariance)),
            Codes(weights),
            VaeOnnxMetadata.ReadMissingValues(metadata),
            VaeOnnxMetadata.ReadInputLayout(metadata),
            Minor(weights));
    });

    /// <summary>
    /// Runs <paramref name="read"/> over what a file says, turning the exceptions that a damaged value makes the parsing
    /// and the constructors throw into an <see cref="InvalidDataException"/> that names the file and keeps the cause.
    /// </summary>
    public static T Guard<T>(string source, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception error) when (error is ArgumentException or FormatException or KeyNotFoundException or OverflowException)
        {
            throw new InvalidDataException($"{source} is damaged: {error.Message}", error);
        }
    }

    private static int Count(Dictionary<string, string> metadata, string key) =>
        int.Parse(VaeOnnxMetadata.Required(metadata, key), NumberStyles.None, CultureInfo.InvariantCulture);

    private static DenseLayer[] Layers(Dictionary<string, TensorProto> weights, string prefix, int count)
    {
        // Checked before anything is allocated for them: a count the weights cannot back is a lie.
        if (count > weights.Count / 2)
            throw new FormatException($"the metadata says {count} {prefix} layers, but the file holds {weights.Count} weights in all.");
        var layers = new DenseLayer[count];
        for (int i = 0; i < count; i++)
            layers[i] = Layer(weights, $"{prefix}.{i}");
        return layers;
    }

    private static DenseLayer Layer(Dictionary<string, TensorProto> weights, string name)
    {
        var weight = Tensor(weights, $"{name}.weight");
        var bias = Tensor(weights, $"{name}.bias");
        if (weight.Dims.Count != 2 || weight.Dims.Any(d => d < 1))
            throw new FormatException($"the weight '{name}.weight' has dimensions [{string.Join(", ", weight.Dims)}], not a matrix.");
        // Stored [in, out] for MatMul; DenseLayer keeps TorchSharp's [out, in].
        int inputs = checked((int)weight.Dims[0]), outputs = checked((int)weight.Dims[1]);
        if (weight.FloatData.Count != (long)inputs * outputs)
            throw new FormatException($"the weight '{name}.weight' holds {weight.FloatData.Count} values for a {inputs}x{outputs} matrix.");
        return new DenseLayer(inputs, outputs, VaeOnnxGraph.Transpose(FiniteValues(weight), inputs, outputs), FiniteValues(bias));
    }

    /// <summary>The training codes, if the graph stores them: both tensors or neither, [M, k] each.</summary>
    private static LatentCodes? Codes(Dictionary<string, TensorProto> weights)
    {
        bool hasMeans = weights.TryGetValue(AggregatePosteriorDensity.MeansName, out var means);
        bool hasLogVariances = weights.TryGetValue(AggregatePosteriorDensity.LogVariancesName, out var logVariances);
        if (!hasMeans && !hasLogVariances)
            return null;
        if (means is null || logVariances is null)
            throw new FormatException($"the file holds only one of '{AggregatePosteriorDensity.MeansName}' and '{AggregatePosteriorDensity.LogVariancesName}'.");
        if (means.Dims.Count != 2 || means.Dims[1] < 1 || !means.Dims.SequenceEqual(logVariances.Dims))
            throw new FormatException($"the training codes have dimensions [{string.Join(", ", means.Dims)}] and [{string.Join(", ", logVariances.Dims)}], not two equal matrices.");
        // LatentCodes checks that the values fill the matrices and that the latent sizes agree with the encoder.
        int latentDimension = checked((int)means.Dims[1]);
        if (means.FloatData.Count != means.Dims[0] * latentDimension)
            throw new FormatException($"the training codes hold {means.FloatData.Count} means for a {means.Dims[0]}x{latentDimension} matrix.");
        return new LatentCodes(latentDimension, FiniteValues(means), FiniteValues(logVariances));
    }

    /// <summary>The minor components, if the graph stores them: both tensors or neither, a [D] mean and [D, m] vectors.</summary>
    private static MinorComponents? Minor(Dictionary<string, TensorProto> weights)
    {
        bool hasMean = weights.TryGetValue(MinorComponentsTerm.MeanName, out var mean);
        bool hasVectors = weights.TryGetValue(MinorComponentsTerm.VectorsName, out var vectors);
        if (!hasMean && !hasVectors)
            return null;
        if (mean is null || vectors is null)
            throw new FormatException($"the file holds only one of '{MinorComponentsTerm.MeanName}' and '{MinorComponentsTerm.VectorsName}'.");
        if (mean.Dims.Count != 1 || vectors.Dims.Count != 2 || vectors.Dims[0] != mean.Dims[0] || vectors.Dims[1] < 1
            || mean.FloatData.Count != mean.Dims[0] || vectors.FloatData.Count != vectors.Dims[0] * vectors.Dims[1])
            throw new FormatException($"the minor components have dimensions [{string.Join(", ", mean.Dims)}] and [{string.Join(", ", vectors.Dims)}] " +
                $"holding {mean.FloatData.Count} and {vectors.FloatData.Count} values, not a filled [D] mean and [D, m] vectors.");
        // MinorComponents checks the vectors' bound, and the model that their size is its own.
        int d = checked((int)mean.Dims[0]), m = checked((int)vectors.Dims[1]);
        return new MinorComponents(FiniteValues(mean), VaeOnnxGraph.Transpose(FiniteValues(vectors), d, m));
    }

    private static TensorProto Tensor(Dictionary<string, TensorProto> weights, string name) =>
        weights.TryGetValue(name, out var tensor) ? tensor : throw new KeyNotFoundException($"the weight '{name}' is missing.");

    /// <summary>A trained network has finite weights; any other value is damage, which would make every score NaN.</summary>
    private static float[] FiniteValues(TensorProto tensor)
    {
        var values = tensor.FloatData.ToArray();
        int bad = Array.FindIndex(values, v => !float.IsFinite(v));
        return bad < 0 ? values : throw new FormatException($"the weight '{tensor.Name}' holds {values[bad]} at position {bad}.");
    }
}
