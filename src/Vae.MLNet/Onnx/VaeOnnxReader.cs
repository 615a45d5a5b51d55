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

    /// <summary>Whether this library wrote the graph whose metadata this is.</summary>
    public static bool IsOurs(IReadOnlyDictionary<string, string> metadata) => metadata.ContainsKey(VaeOnnxMetadata.Format);

    /// <summary>Fails unless this library, in this format version, wrote the graph.</summary>
    public static void CheckFormat(IReadOnlyDictionary<string, string> metadata, string source)
    {
        if (!metadata.TryGetValue(VaeOnnxMetadata.Format, out var format))
            throw new InvalidDataException($"{source} is an ONNX model that Vae.MLNet did not write: it has no '{VaeOnnxMetadata.Format}' metadata.");
        if (format != VaeOnnxMetadata.FormatVersion.ToString(CultureInfo.InvariantCulture))
            throw new InvalidDataException($"{source} has Vae.MLNet format version {format}; this version of the library reads version {VaeOnnxMetadata.FormatVersion}.");
    }

    /// <summary>The model whose weights a full scoring graph holds.</summary>
    public static VaeModel ToModel(ModelProto proto, Dictionary<string, string> metadata, string source)
    {
        try
        {
            var weights = (proto.Graph?.Initializer ?? []).ToDictionary(t => t.Name);
            var model = new VaeModel(
                Enum.Parse<VaeActivation>(Required(metadata, VaeOnnxMetadata.Activation)),
                Enum.Parse<VaeLikelihood>(Required(metadata, VaeOnnxMetadata.Likelihood)),
                Layers(weights, "encoder", Count(metadata, VaeOnnxMetadata.EncoderLayers)),
                Layer(weights, "mean"),
                Layer(weights, "log_variance"),
                Layers(weights, "decoder", Count(metadata, VaeOnnxMetadata.DecoderLayers)),
                Layer(weights, "output"),
                VaeOnnxMetadata.ParseFloats(Required(metadata, VaeOnnxMetadata.OutputLogVariance)));
            return model;
        }
        catch (Exception error) when (error is ArgumentException or FormatException or KeyNotFoundException or OverflowException)
        {
            throw new InvalidDataException($"{source} is damaged: {error.Message}", error);
        }
    }

    private static string Required(Dictionary<string, string> metadata, string key) =>
        metadata.TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"the metadata '{key}' is missing.");

    private static int Count(Dictionary<string, string> metadata, string key) =>
        int.Parse(Required(metadata, key), NumberStyles.None, CultureInfo.InvariantCulture);

    private static DenseLayer[] Layers(Dictionary<string, TensorProto> weights, string prefix, int count) =>
        Enumerable.Range(0, count).Select(i => Layer(weights, $"{prefix}.{i}")).ToArray();

    private static DenseLayer Layer(Dictionary<string, TensorProto> weights, string name)
    {
        var weight = Tensor(weights, $"{name}.weight");
        var bias = Tensor(weights, $"{name}.bias");
        if (weight.Dims.Count != 2)
            throw new FormatException($"the weight '{name}.weight' has {weight.Dims.Count} dimensions, not 2.");
        // Stored [in, out] for MatMul; DenseLayer keeps TorchSharp's [out, in].
        int inputs = checked((int)weight.Dims[0]), outputs = checked((int)weight.Dims[1]);
        if (weight.FloatData.Count != inputs * outputs)
            throw new FormatException($"the weight '{name}.weight' holds {weight.FloatData.Count} values for a {inputs}x{outputs} matrix.");
        return new DenseLayer(inputs, outputs, VaeOnnxGraph.Transpose(weight.FloatData.ToArray(), inputs, outputs), bias.FloatData.ToArray());
    }

    private static TensorProto Tensor(Dictionary<string, TensorProto> weights, string name) =>
        weights.TryGetValue(name, out var tensor) ? tensor : throw new KeyNotFoundException($"the weight '{name}' is missing.");
}
