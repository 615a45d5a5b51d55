using System.Globalization;
using System.IO.Compression;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.MLNet;

/// <summary>
/// Loads a saved ML.NET pipeline and puts the batched VAE transformers back in place of the ML.NET components they
/// were saved as, so that a reloaded model scores as fast as a freshly trained one.
/// </summary>
public static class VaeModelLoader
{
    // An ONNX graph is mostly float weights, which deflate hardly at all (trained weights: about 1.1 to 1), while a zip
    // bomb's zeros inflate about 1,000-fold. A graph entry is read whole, so what it may inflate to is bounded before
    // anything is allocated for it: 100 times its compressed size, plus room for small graphs that are mostly text.
    private const long MaxInflation = 100;
    private const long InflationAllowance = 4 << 20;

    /// <summary>
    /// Loads <paramref name="path"/> like <c>mlContext.Model.Load</c>, then replaces every VAE component (saved as an
    /// OnnxTransformer that scores row by row) with the <see cref="VaeEncodeTransformer"/>,
    /// <see cref="VaeAnomalyDetectionTransformer"/> or <see cref="VaeImputeTransformer"/> it was saved from, which scores blocks of rows. The columns and
    /// values are the same either way.
    /// </summary>
    /// <remarks>
    /// The VAE components are read and checked before ML.NET loads anything, and ML.NET is handed graphs rebuilt from
    /// their checked weights, so no ONNX graph of a VAE component reaches ONNX Runtime as the file has it. Other ONNX
    /// models in the pipeline, and a saved <see cref="VaeDecodeTransformer"/>, are loaded by ML.NET as they are.
    /// </remarks>
    /// <param name="catalog">The model operations catalog, <c>mlContext.Model</c>.</param>
    /// <param name="path">A zip written by <c>mlContext.Model.Save</c>.</param>
    /// <param name="inputSchema">The schema of the data the model was saved with.</param>
    /// <exception cref="InvalidDataException">The file is not a zip, or it is damaged, or ML.NET cannot load it, or a
    /// VAE component in it is not of this format version, or an <c>OnnxModel</c> entry declares more bytes than 100 times
    /// its compressed size plus 4 MiB (a zip bomb). The cause, if another exception, is the inner exception.</exception>
    public static ITransformer LoadWithBatchedScoring(this ModelOperationsCatalog catalog, string path, out DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrEmpty(path);
        AssemblyResolution.EnsureRegistered();
        var (zip, components) = ReadComponents(path);
        ITransformer model;
        try
        {
            (model, inputSchema) = OnnxLoadRetry.Run(() =>
            {
                zip.Position = 0;
                return (catalog.Load(zip, out var schema), schema);
            });
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            // The file is read by now: what ML.NET's readers throw comes from what the file holds (or a component
            // whose assembly this process lacks), and ML.NET throws anything from FormatException to NullReferenceException.
            throw new InvalidDataException($"{path} could not be loaded by ML.NET: {error.GetBaseException().Message}", error);
        }
        foreach (var (position, transformer) in components)
            model = Replace(model, position, 0, transformer, path);
        return model;
    }

    /// <summary>
    /// Each VAE component in the zip, with its position in the pipeline (indices into nested chains), and a copy of
    /// the zip in which each of their graphs is the one rebuilt from the weights just checked.
    /// </summary>
    /// <remarks>
    /// Only the <c>OnnxModel</c> entries are read whole, within the bound their declared sizes pass; every other entry is
    /// copied through in blocks, so the copy costs its compressed size in memory whatever the entry inflates to.
    /// </remarks>
    private static (MemoryStream Zip, List<(int[] Position, VaeTransformerBase Transformer)> Components) ReadComponents(string path)
    {
        var components = new List<(int[], VaeTransformerBase)>();
        var copy = new MemoryStream();
        using (var zip = CheckedZipReader.Open(path))
        using (var target = new ZipArchive(copy, ZipArchiveMode.Create, leaveOpen: true))
        {
            int outside = MLNetZipLayout.LoaderChainDepth(zip.Entries.Select(e => e.FullName));
            foreach (var entry in zip.Entries)
            {
                using var stream = target.CreateEntry(entry.FullName).Open();
                if (entry.Name != MLNetZipLayout.OnnxEntryName)
                {
                    CheckedZipReader.CopyTo(entry, stream, path);
                    continue;
                }
                var content = ReadContent(entry, path);
                if (ReadComponent(path, entry.FullName, content) is var (position, transformer, graph))
                {
                    // A component inside the data loader is checked and rebuilt like any other, but is not in the model
                    // that ML.NET's Load returns, so nothing there is replaced.
                    if (!MLNetZipLayout.IsInLoader(entry.FullName))
                        components.Add((position[outside..], transformer));
                    content = MLNetZipLayout.WithLengthPrefix(graph);
                }
                stream.Write(content);
            }
        }
        copy.Position = 0;
        return (copy, components);
    }

    /// <summary>
    /// The transformer an <c>OnnxModel</c> entry was saved from and the graph it saves as, or null if it is no batched
    /// VAE component.
    /// </summary>
    private static (int[] Position, VaeTransformerBase Transformer, byte[] Graph)? ReadComponent(string path, string entryName, byte[] content)
    {
        string source = $"{path}:{entryName}";
        var (proto, metadata) = VaeOnnxReader.Parse(MLNetZipLayout.WithoutLengthPrefix(content, source), source);
        // Another library's ONNX model in the same pipeline stays as it is.
        if (!VaeOnnxReader.IsOurs(metadata))
            return null;
        VaeOnnxReader.CheckFormat(metadata, source);
        string kind = VaeOnnxReader.Guard(source, () => VaeOnnxMetadata.Required(metadata, VaeOnnxMetadata.Kind));
        // A saved VaeDecode holds only the decoder, which is no whole VaeModel: it stays ML.NET's OnnxTransformer.
        if (kind is VaeOnnxMetadata.ModelKind or VaeOnnxMetadata.DecodeKind)
            return null;
        var model = VaeOnnxReader.ToModel(proto, metadata, source);
        var (position, transformer) = VaeOnnxReader.Guard<(int[], VaeTransformerBase)>(source, () =>
        {
            var position = MLNetZipLayout.PipelinePosition(entryName);
            string feature = VaeOnnxMetadata.Required(metadata, VaeOnnxMetadata.FeatureColumn);
            return kind switch
            {
                // The detector was saved as a chain of its ONNX part and glue: the component is the chain.
                VaeOnnxMetadata.AnomalyKind => (position[..^1], new VaeAnomalyDetectionTransformer(model, feature,
                    VaeOnnxMetadata.ParseThreshold(VaeOnnxMetadata.Required(metadata, VaeOnnxMetadata.Threshold)),
                    metadata.TryGetValue(VaeOnnxMetadata.CalibrationScores, out var scores) ? CalibrationScores.FromScores(VaeOnnxMetadata.ParseFloats(scores)) : null,
                    VaeOnnxMetadata.ReadScoring(metadata), metadata.GetValueOrDefault(VaeOnnxMetadata.FeatureErrorColumn),
                    ReadPValueColumn(metadata))),
                VaeOnnxMetadata.EncodeKind => (position, new VaeEncodeTransformer(model, VaeOnnxMetadata.Required(metadata, VaeOnnxMetadata.LatentColumn), feature,
                    metadata.GetValueOrDefault(VaeOnnxMetadata.LogVarianceColumn),
                    reconstructionColumnName: metadata.GetValueOrDefault(VaeOnnxMetadata.ReconstructionColumn))),
                // An imputer of mixed columns was saved as a chain of its ONNX part and glue: the component is the chain.
                VaeOnnxMetadata.ImputeKind => (model.InputLayout.IsSingleReal ? position : position[..^1], new VaeImputeTransformer(model, VaeOnnxMetadata.Required(metadata, VaeOnnxMetadata.ReconstructionColumn), feature,
                    int.Parse(VaeOnnxMetadata.Required(metadata, VaeOnnxMetadata.ScoreSamples), NumberStyles.None, CultureInfo.InvariantCulture),
                    int.Parse(VaeOnnxMetadata.Required(metadata, VaeOnnxMetadata.ScoreSeed), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture))),
                _ => throw new FormatException($"it holds a VAE component of unknown kind '{kind}'."),
            };
        });
        // ML.NET's OnnxTransformer, saved beside the graph, feeds and reads the columns the graph names; the rebuilt
        // graph must name the same ones, or the pipeline would load and then fail on its first row.
        var (graph, columns) = transformer.SavedGraph();
        if (!proto.Graph.Input.Select(i => i.Name).SequenceEqual([transformer.SavedInputName]) || !proto.Graph.Output.Select(o => o.Name).SequenceEqual(columns))
            throw new InvalidDataException($"{source} is damaged: its graph reads or writes other columns than its metadata says.");
        // An in-place transform was saved inside a chain that copies the features to the column its graph reads and
        // drops the copy afterwards: the component is that chain.
        if (transformer.SavedInputName != transformer.InputColumnName)
            position = position[..^1];
        return (position, transformer, graph);
    }

    /// <summary>Whether a saved detector adds p-values: its metadata names the column, which is always <c>PValue</c>.</summary>
    private static bool ReadPValueColumn(IReadOnlyDictionary<string, string> metadata) =>
        !metadata.TryGetValue(VaeOnnxMetadata.PValueColumn, out var name) ? false
        : name == VaeAnomalyDetectionTransformer.PValueColumnName ? true
        : throw new FormatException($"the p-value column '{name}' is not '{VaeAnomalyDetectionTransformer.PValueColumnName}'.");

    private static ITransformer Replace(ITransformer node, int[] position, int depth, ITransformer replacement, string path)
    {
        if (depth == position.Length)
        {
            // The replaced OnnxTransformer holds an ONNX Runtime session and a temporary copy of its graph.
            (node as IDisposable)?.Dispose();
            return replacement;
        }
        var children = (node as TransformerChain<ITransformer>)?.ToArray();
        if (children is null || position[depth] >= children.Length)
            throw new InvalidDataException($"{path} is damaged: the saved pipeline does not have the shape its VAE components were saved in.");
        children[position[depth]] = Replace(children[position[depth]], position, depth + 1, replacement, path);
        return new TransformerChain<ITransformer>(children);
    }

    /// <summary>
    /// A graph entry's bytes, refused before allocating when its declared size passes the inflation bound. Exactly the
    /// declared size is read and allocated, and an entry whose data ends sooner or goes on longer is refused: however the
    /// compressed data disagrees with its header, no more than the header declares is ever held.
    /// </summary>
    private static byte[] ReadContent(ZipArchiveEntry entry, string path)
    {
        string source = $"{path}:{entry.FullName}";
        long limit = Math.Min(Array.MaxLength, MaxInflation * entry.CompressedLength + InflationAllowance);
        if (entry.Length > limit)
            throw new InvalidDataException(
                $"{source} is refused: it declares {entry.Length} bytes inflated from {entry.CompressedLength} compressed, more than the " +
                $"{limit} bytes a graph entry may hold ({MaxInflation} times its compressed size plus {InflationAllowance >> 20} MiB); the file may be a zip bomb.");
        var content = new byte[entry.Length];
        CheckedZipReader.Read(entry, content, path);
        return content;
    }
}
