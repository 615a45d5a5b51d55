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
/// on its batch or position, and the graph is deterministic.
/// </remarks>
internal static class VaeImputeGraph
{
    /// <summary>
    /// Builds the graph, reading <paramref name="inputName"/> and writing the filled rows as <paramref name="outputName"/>,
    /// one row [D] or batches [N, D].
    /// </summary>
    public static byte[] Build(VaeModel model, int samples, int seed, string inputName, string outputName, bool perRow,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.MissingValues != VaeMissingValues.Model)
            throw new ArgumentException(
                $"Imputation needs a model trained with MissingValues = {nameof(VaeMissingValues.Model)}: this one was trained with {model.MissingValues}, and has never seen a missing cell.", nameof(model));
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        int d = model.InputDimension;
        var graph = new OnnxGraphBuilder("vae_impute", perRow ? null : VaeOnnxGraph.BatchDimension);
        string input = graph.AddInput(inputName, d);
        string rows = perRow ? graph.AddNode("Reshape", [input, graph.AddInt64Initializer("row_shape", [1, d], 2)]) : input;
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
        graph.AddOutput(VaeOnnxGraph.Expose(graph, imputed, outputName, perRow), d);
        foreach (var (key, value) in VaeOnnxMetadata.Describe(model).Concat(metadata ?? new Dictionary<string, string>()))
            graph.SetMetadata(key, value);
        return graph.ToModelBytes(VaeOnnxGraph.IrVersion, VaeOnnxGraph.OpsetVersion, "Vae.MLNet");
    }
}
