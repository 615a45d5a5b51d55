namespace Vae.MLNet;

/// <summary>
/// Vae.MLNet's own model file, for the VAE alone (to inspect it, generate from it, export it or train on): an ONNX
/// file that any ONNX runtime can score, whose metadata carries the format version and what the weights do not say.
/// <see cref="VaeModelOnnxExtensions.ExportOnnx(VaeModel, string)"/> writes the same file.
/// </summary>
public static class VaeModelFile
{
    /// <summary>Writes <paramref name="model"/> to <paramref name="path"/> (conventionally <c>.onnx</c>), replacing any file there
    /// only once the new one is complete.</summary>
    public static void Save(this VaeModel model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var bytes = Bytes(model);
        AtomicFile.Write(path, file => file.Write(bytes));
    }

    /// <summary>The file's content: the one writer behind <see cref="Save"/> and every <c>ExportOnnx</c>.</summary>
    internal static byte[] Bytes(VaeModel model) => VaeOnnxGraph.Build(model, new VaeGraphOptions
    {
        Scoring = VaeScoring.For(model),
        KeysAsZeroBlocks = !model.InputLayout.IsSingleReal,
        Metadata = new Dictionary<string, string> { [VaeOnnxMetadata.Kind] = VaeOnnxMetadata.ModelKind },
    });

    /// <summary>Reads a model written by <see cref="Save"/> (or by <see cref="VaeModelOnnxExtensions.ExportOnnx(VaeModel, string)"/>).</summary>
    /// <remarks>
    /// Only the file's weights and metadata are read, and checked against each other (layer counts, matrix sizes,
    /// finite values, known names) before anything is allocated for them; the graph in the file never runs, as the
    /// model scores through a graph built anew from its weights.
    /// </remarks>
    /// <exception cref="InvalidDataException">The file is not a Vae.MLNet model of this format version, or it is damaged;
    /// the cause, if another exception, is the inner exception.</exception>
    public static VaeModel Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var bytes = File.ReadAllBytes(path);
        if (bytes is [(byte)'P', (byte)'K', ..])
            throw new InvalidDataException($"{path} is a zip file, probably a saved ML.NET pipeline: load it with mlContext.Model.Load, not VaeModelFile.Load.");
        return VaeOnnxReader.Read(bytes, path).Model;
    }
}
