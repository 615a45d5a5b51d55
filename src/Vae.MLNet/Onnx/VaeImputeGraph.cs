namespace Vae.MLNet;

/// <summary>
/// The imputation graph of a model of missing values (<see cref="VaeMissingValues.Model"/>): each missing cell takes
/// the importance-weighted conditional mean of MIWAE (Mattei &amp; Frellsen 2019) given the row's observed cells, and
/// each observed cell stays as it is, bit for bit.
/// </summary>
/// <remarks>
/// With K draws zₖ = μ + σ ⊙ εₖ from the encoder's q(z|x_obs), the estimate is Σₖ wₖ·x̂(zₖ), where x̂ is the decoder's
/// mean (probabilities for a Bernoulli likelihood) and wₖ ∝ p(x_obs|zₖ)·p(zₖ) / q(zₖ|x_obs), normalized over the K
/// draws. The εₖ are fixed by the seed and the same for every row, so a row's estimate depends on the row alone, not
/// on its batch or position, and the graph is deterministic. For a model of mixed columns (<see cref="VaeInputLayout"/>)
/// the estimate of a key slot is the weighted average of the decoder's softmax, the posterior predictive, and the slot
/// takes its most probable category; the graph then writes one value per feature slot (<see cref="VaeInputLayout.Features"/>):
/// a real value, a Boolean as 0 or 1, a key as its number 1 to K as a float.
/// </remarks>
internal static class VaeImputeGraph
{
    /// <summary>
    /// Builds the graph, reading <paramref name="inputName"/> and writing the filled rows as <paramref name="outputName"/>,
    /// one row [D] or batches [N, D] (for mixed columns, [F] or [N, F]: one value per feature slot).
    /// </summary>
    /// <param name="model">A model of missing values.</param>
    /// <param name="samples">Latent draws per row.</param>
    /// <param name="seed">Seed of the draws.</param>
    /// <param name="inputName">The graph's input: model-space rows.</param>
    /// <param name="outputName">The graph's output of every filled slot; unused when <paramref name="columnOutputs"/> is given.</param>
    /// <param name="perRow">Read one row rather than batches, as ML.NET's OnnxTransformer feeds it.</param>
    /// <param name="metadata">Extra metadata_props, such as the component's settings.</param>
    /// <param name="columnOutputs">
    /// For mixed columns, one output per listed column of the layout (index, output name) with its filled slots, instead
    /// of one output of them all: what a saved pipeline's glue turns back into columns of each one's type.
    /// </param>
    /// <param name="keysAsZeroBlocks">Whether a missing key arrives as K zeros (<see cref="VaeGraphOptions.KeysAsZeroBlocks"/>).</param>
    public static byte[] Build(VaeModel model, int samples, int seed, string inputName, string outputName, bool perRow,
        IReadOnlyDictionary<string, string>? metadata = null, IReadOnlyList<(int Column, string Name)>? columnOutputs = null, bool keysAsZeroBlocks = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.MissingValues != VaeMissingValues.Model)
            throw new ArgumentException(
                $"Imputation needs a model trained with MissingValues = {nameof(VaeMissingValues.Model)}: this one was trained with {model.MissingValues}, and has never seen a missing cell.", nameof(model));
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        int d = model.InputDimension;
        var graph = new OnnxGraphBuilder("vae_impute", perRow ? null : VaeOnnxGraph.BatchDimension);
        string rows = perRow ? VaeOnnxGraph.PerRowInput(graph, inputName, d) : graph.AddInput(inputName, d);
        if (keysAsZeroBlocks)
            rows = VaeOnnxGraph.MarkMissingKeys(graph, model.InputLayout, rows);
        var features = ObservedFeatures.Add(graph, model, rows);
        var (mean, logVariance) = VaeOnnxGraph.Encode(graph, model, features.EncoderInput);
        // The likelihood of the observed cells, unscaled: p(x_obs|z) itself weighs the draws, not a score's rescaling.
        var draws = VaeScoreGraph.Draws(graph, model, samples, seed, features.X, features.Observed, mean, logVariance);
        string weights = graph.AddNode("Softmax", [VaeScoreGraph.LogImportanceWeights(graph, model, draws, logVariance, samples)],
            [OnnxGraphBuilder.IntAttribute("axis", 1)]);
        // Σₖ wₖ·x̂(zₖ) as one batched product: [N, 1, K] × [N, K, D].
        string estimate = graph.AddNode("Reshape", [
            graph.AddNode("MatMul", [
                graph.AddNode("Reshape", [weights, graph.AddInt64Initializer("weights_shape", [-1, 1, samples], 3)]),
                graph.AddNode("Reshape", [draws.Reconstruction, graph.AddInt64Initializer("draw_reconstructions_shape", [-1, samples, d], 3)])]),
            graph.AddInt64Initializer("estimate_shape", [-1, d], 2)]);
        string imputed = graph.AddNode("Where", [features.Missing!, estimate, rows]);
        if (model.InputLayout.IsSingleReal)
            graph.AddOutput(VaeOnnxGraph.Expose(graph, imputed, outputName, perRow), d);
        else if (columnOutputs is null)
            graph.AddOutput(VaeOnnxGraph.Expose(graph, graph.AddNode("Concat", [.. ColumnSlots(graph, model.InputLayout, imputed)],
                [OnnxGraphBuilder.IntAttribute("axis", 1)]), outputName, perRow), model.InputLayout.Features);
        else
        {
            var slots = ColumnSlots(graph, model.InputLayout, imputed);
            foreach (var (column, name) in columnOutputs)
                graph.AddOutput(VaeOnnxGraph.Expose(graph, slots[column], name, perRow), model.InputLayout.Columns[column].Slots);
        }
        foreach (var (key, value) in VaeOnnxMetadata.Describe(model).Concat(metadata ?? new Dictionary<string, string>()))
            graph.SetMetadata(key, value);
        return graph.ToModelBytes(VaeOnnxGraph.IrVersion, VaeOnnxGraph.OpsetVersion, "Vae.MLNet");
    }

    /// <summary>
    /// Each column's filled slots, [N, slots], from the filled model-space rows <paramref name="filled"/> [N, W]: real and
    /// Boolean cells as they are; each key slot the number (1 to K) of its largest cell, the observed category of a
    /// one-hot block, the most probable one of a missing key's weighted softmax (ties go to the lower number).
    /// </summary>
    private static string[] ColumnSlots(OnnxGraphBuilder graph, VaeInputLayout layout, string filled)
    {
        string axis = graph.AddInt64Initializer("imputed_axis", [1], 1);
        return layout.Columns.Select((column, i) =>
        {
            int start = layout.CellOffset(i);
            string cells = graph.AddNode("Slice", [filled, graph.AddInt64Initializer($"imputed_{i}_start", [start], 1),
                graph.AddInt64Initializer($"imputed_{i}_end", [start + column.Cells], 1), axis]);
            if (column.Kind != VaeInputKind.Categorical)
                return cells;
            string blocks = graph.AddNode("Reshape", [cells, graph.AddInt64Initializer($"imputed_{i}_blocks", [-1, column.Slots, column.Categories], 3)]);
            string category = graph.AddNode("ArgMax", [blocks], [OnnxGraphBuilder.IntAttribute("axis", 2), OnnxGraphBuilder.IntAttribute("keepdims", 0)]);
            string asFloat = graph.AddNode("Cast", [category], [OnnxGraphBuilder.IntAttribute("to", (long)global::Onnx.TensorProto.Types.DataType.Float)]);
            return graph.AddNode("Add", [asFloat, graph.Scalar(1f)]);
        }).ToArray();
    }
}
