using Microsoft.ML;
using Microsoft.ML.Transforms.Onnx;

namespace Vae.MLNet;

/// <summary>
/// Exports a whole fitted pipeline — the preprocessing before the VAE and the VAE components — as one ONNX file, so
/// that any ONNX Runtime host (Spark with SynapseML, Python with Ray or Dask, another language) scores raw rows exactly
/// as the ML.NET pipeline does.
/// </summary>
/// <remarks>
/// <para>
/// The file uses opset 17 (IR version 8) and keeps every weight and fitted parameter inside it. Its inputs are the
/// columns of the input data the pipeline reads, under their names, all float with a symbolic batch dimension
/// <c>N</c>: [N, size] for a known-size vector of Single, [N, 1] for a Single column. Its outputs:
/// </para>
/// <list type="bullet">
/// <item><description>for the VAE anomaly detector, as <see cref="VaeAnomalyDetectionTransformer.ExportOnnx"/> names
/// them: <c>score</c> float [N], <c>predicted_label</c> bool [N], <c>p_value</c> float [N] when the detector adds
/// p-values, <c>feature_error</c> float [N, D] when it adds per-feature errors, and <c>latent_mean</c> float [N, k], the
/// posterior mean; the file's metadata <c>vae_mlnet.threshold</c> holds the threshold <c>predicted_label</c> compares
/// <c>score</c> with;</description></item>
/// <item><description>for <c>VaeEncode</c>, its columns under their own names: the latent mean [N, k] and, when it adds
/// them, the log-variance [N, k] and the reconstruction [N, D].</description></item>
/// </list>
/// <para>
/// A VAE component's column is an output when it reaches the end of the pipeline unchanged. The steps translated are
/// <c>Concatenate</c>, <c>CopyColumns</c>, <c>DropColumns</c>, <c>SelectColumns</c>, <c>ReplaceMissingValues</c>,
/// <c>NormalizeMeanVariance</c>, <c>NormalizeMinMax</c>, <c>NormalizeLogMeanVariance</c> (with or without the CDF),
/// <c>NormalizeRobustScaling</c>, <c>VaeEncode</c> and the VAE anomaly detector, in nested chains too; a pipeline loaded
/// with <c>mlContext.Model.Load</c> or <c>LoadWithBatchedScoring</c> exports as the fitted one does. Any other step is
/// refused with a <see cref="NotSupportedException"/> that names it: the export never writes a graph that scores
/// differently from the pipeline.
/// </para>
/// <para>
/// Unlike the pipeline, the graph does not check values: a missing (NaN) feature that no <c>ReplaceMissingValues</c>
/// step fills gives a NaN score instead of an exception naming the row, and a ±∞ that reaches the VAE is clamped to ±1e8, a finite,
/// very high score.
/// </para>
/// </remarks>
public static class VaePipelineOnnxExport
{
    /// <summary>Writes <paramref name="model"/> as one ONNX model to <paramref name="stream"/>, leaving the stream open.</summary>
    /// <param name="catalog">The model operations catalog, <c>mlContext.Model</c>.</param>
    /// <param name="model">A fitted pipeline that ends with VAE components, as <c>Fit</c> or a load returned it.</param>
    /// <param name="inputSchema">The schema of the data the pipeline is applied to, e.g. <c>data.Schema</c>.</param>
    /// <param name="stream">A writable stream; the model is written from its current position.</param>
    /// <exception cref="NotSupportedException">A step of the pipeline cannot be translated exactly (the message names
    /// it), or no VAE column reaches the pipeline's end.</exception>
    /// <exception cref="ArgumentException"><paramref name="inputSchema"/> gives a step other sizes than it was fitted for.</exception>
    public static void ExportVaePipelineToOnnx(this ModelOperationsCatalog catalog, ITransformer model, DataViewSchema inputSchema, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.Write(Build(catalog, model, inputSchema));
    }

    /// <summary>
    /// Writes <paramref name="model"/> as one ONNX file at <paramref name="path"/>, replacing any existing file only
    /// once the new one is complete.
    /// </summary>
    /// <param name="catalog">The model operations catalog, <c>mlContext.Model</c>.</param>
    /// <param name="model">A fitted pipeline that ends with VAE components, as <c>Fit</c> or a load returned it.</param>
    /// <param name="inputSchema">The schema of the data the pipeline is applied to, e.g. <c>data.Schema</c>.</param>
    /// <param name="path">The file to write, conventionally with the extension <c>.onnx</c>.</param>
    /// <exception cref="NotSupportedException">A step of the pipeline cannot be translated exactly (the message names
    /// it), or no VAE column reaches the pipeline's end.</exception>
    /// <exception cref="ArgumentException"><paramref name="inputSchema"/> gives a step other sizes than it was fitted for.</exception>
    public static void ExportVaePipelineToOnnx(this ModelOperationsCatalog catalog, ITransformer model, DataViewSchema inputSchema, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var bytes = Build(catalog, model, inputSchema);
        AtomicFile.Write(path, file => file.Write(bytes));
    }

    private static byte[] Build(ModelOperationsCatalog catalog, ITransformer model, DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputSchema);
        // mlContext.Model.Load gives VAE components back as OnnxTransformers (and glue) whose settings are in their
        // graphs; the batched loader turns them back into VAE components. An OnnxTransformer of another model stays,
        // and is refused by name.
        if (Contains<OnnxTransformer>(model))
            model = BatchedReload.Reload(catalog, model, inputSchema);
        return PipelineOnnxGraph.Build(model, inputSchema);
    }

    private static bool Contains<T>(ITransformer node) =>
        node is T || (node is IEnumerable<ITransformer> chain && chain.Any(Contains<T>));
}
