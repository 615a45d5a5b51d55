using System.IO.Compression;
using System.Text.RegularExpressions;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.MLNet;

/// <summary>
/// Loads a saved ML.NET pipeline and puts the batched VAE transformers back in place of the ML.NET components they
/// were saved as, so that a reloaded model scores as fast as a freshly trained one.
/// </summary>
public static partial class VaeModelLoader
{
    /// <summary>
    /// Loads <paramref name="path"/> like <c>mlContext.Model.Load</c>, then replaces every VAE component (saved as an
    /// OnnxTransformer that scores row by row) with the <see cref="VaeEncodeTransformer"/> or
    /// <see cref="VaeAnomalyDetectionTransformer"/> it was saved from, which scores blocks of rows. The columns and
    /// values are the same either way.
    /// </summary>
    /// <param name="catalog">The model operations catalog, <c>mlContext.Model</c>.</param>
    /// <param name="path">A zip written by <c>mlContext.Model.Save</c>.</param>
    /// <param name="inputSchema">The schema of the data the model was saved with.</param>
    public static ITransformer LoadWithBatchedScoring(this ModelOperationsCatalog catalog, string path, out DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        AssemblyResolution.EnsureRegistered();
        var model = catalog.Load(path, out inputSchema);
        foreach (var (position, transformer) in ReadComponents(path))
            model = Replace(model, position, 0, transformer);
        return model;
    }

    /// <summary>Each VAE component in the zip, with its position in the pipeline (indices into nested chains).</summary>
    private static List<(int[] Position, ITransformer Transformer)> ReadComponents(string path)
    {
        var components = new List<(int[], ITransformer)>();
        using var zip = ZipFile.OpenRead(path);
        foreach (var entry in zip.Entries.Where(e => e.Name == "OnnxModel"))
        {
            string source = $"{path}:{entry.FullName}";
            var (proto, metadata) = VaeOnnxReader.Parse(ReadByteArray(entry), source);
            // Another library's ONNX model in the same pipeline stays as it is.
            if (!VaeOnnxReader.IsOurs(metadata))
                continue;
            VaeOnnxReader.CheckFormat(metadata, source);
            // A saved VaeDecode holds only the decoder, which is no whole VaeModel: it stays ML.NET's OnnxTransformer.
            if (!metadata.TryGetValue(VaeOnnxMetadata.Kind, out var kind) || kind is VaeOnnxMetadata.ModelKind or VaeOnnxMetadata.DecodeKind)
                continue;
            var model = VaeOnnxReader.ToModel(proto, metadata, source);
            var position = TransformIndex().Matches(entry.FullName).Select(m => int.Parse(m.Groups[1].Value)).ToArray();
            string feature = metadata[VaeOnnxMetadata.FeatureColumn];
            // The detector was saved as a chain of its ONNX part and glue: the component is the chain.
            var component = kind == VaeOnnxMetadata.AnomalyKind ? position[..^1] : position;
            // A graph that reads another column than the features belongs to an in-place transform, saved inside a
            // chain that copies the features to that column and drops the copy: the component is that chain.
            if (proto.Graph.Input[0].Name != feature)
                component = component[..^1];
            components.Add(kind switch
            {
                VaeOnnxMetadata.AnomalyKind => (component, new VaeAnomalyDetectionTransformer(model, feature,
                    VaeOnnxMetadata.ParseFloats(metadata[VaeOnnxMetadata.Threshold])[0],
                    metadata.TryGetValue(VaeOnnxMetadata.ScoreQuantiles, out var q) ? ScoreQuantiles.FromValues(VaeOnnxMetadata.ParseFloats(q)) : null,
                    VaeOnnxMetadata.ReadScoring(metadata), metadata.GetValueOrDefault(VaeOnnxMetadata.FeatureErrorColumn))),
                VaeOnnxMetadata.EncodeKind => (component, new VaeEncodeTransformer(model, metadata[VaeOnnxMetadata.LatentColumn], feature,
                    metadata.GetValueOrDefault(VaeOnnxMetadata.LogVarianceColumn),
                    reconstructionColumnName: metadata.GetValueOrDefault(VaeOnnxMetadata.ReconstructionColumn))),
                _ => throw new InvalidDataException($"{path}:{entry.FullName} holds a VAE component of unknown kind '{kind}'."),
            });
        }
        return components;
    }

    private static ITransformer Replace(ITransformer node, int[] position, int depth, ITransformer replacement)
    {
        if (depth == position.Length)
        {
            // The replaced OnnxTransformer holds an ONNX Runtime session and a temporary copy of its graph.
            (node as IDisposable)?.Dispose();
            return replacement;
        }
        var children = (node as TransformerChain<ITransformer>)?.ToArray()
            ?? throw new InvalidDataException("The saved pipeline does not have the shape its VAE components were saved in.");
        children[position[depth]] = Replace(children[position[depth]], position, depth + 1, replacement);
        return new TransformerChain<ITransformer>(children);
    }

    /// <summary>ML.NET stores a byte array as its int32 length, then the bytes.</summary>
    private static byte[] ReadByteArray(ZipArchiveEntry entry)
    {
        using var reader = new BinaryReader(entry.Open());
        int length = reader.ReadInt32();
        var bytes = reader.ReadBytes(length);
        if (length < 0 || bytes.Length != length)
            throw new InvalidDataException($"{entry.FullName} is truncated: {bytes.Length} of {length} bytes.");
        return bytes;
    }

    [GeneratedRegex(@"Transform_(\d+)")]
    private static partial Regex TransformIndex();
}
