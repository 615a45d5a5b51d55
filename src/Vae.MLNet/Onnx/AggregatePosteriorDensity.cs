namespace Vae.MLNet;

/// <summary>
/// The graph part that computes log q(μ), the log-density of each row's latent mean under the aggregate posterior
/// q(z) = 1/M Σᵢ N(z; mᵢ, diag vᵢ) of the model's <see cref="VaeModel.TrainingCodes"/>.
/// </summary>
internal static class AggregatePosteriorDensity
{
    public const string MeansName = "training_codes.mean";
    public const string LogVariancesName = "training_codes.log_variance";

    /// <summary>
    /// Latent means, the rows' and the codes', are clamped to ±1e4 (trained codes lie within a few units of 0) and the
    /// codes' log-variances to ±<see cref="VaeOnnxGraph.LogVarianceBound"/>, so that every product below stays finite
    /// in float: a row coded beyond the bound is as far from every code as one on it.
    /// </summary>
    public const float LatentBound = 1e4f;

    /// <summary>
    /// Adds the codes and the nodes; returns log q(μ) as a [N] value. The codes are stored as they are, so that a reader
    /// gets them back bit for bit.
    /// </summary>
    public static string Add(OnnxGraphBuilder graph, string mean, LatentCodes codes)
    {
        int count = codes.Count, k = codes.LatentDimension;
        string storedMeans = graph.AddInitializer(MeansName, codes.Means, count, k);
        string storedLogVariances = graph.AddInitializer(LogVariancesName, codes.LogVariances, count, k);
        // Everything derived from the codes alone has constant inputs, which ONNX Runtime folds once when it loads the graph.
        string lower = graph.Scalar(-LatentBound), upper = graph.Scalar(LatentBound);
        string codeMeans = graph.AddNode("Clip", [storedMeans, lower, upper]);
        string codeLogVariances = VaeOnnxGraph.ClampLogVariance(graph, storedLogVariances);
        string precisions = graph.AddNode("Exp", [graph.AddNode("Neg", [codeLogVariances])]);
        string meanPrecisions = graph.AddNode("Mul", [codeMeans, precisions]);
        string minusHalfPrecisions = graph.AddNode("Mul", [precisions, graph.Scalar(-0.5f)]);

        // log N(μ; mᵢ, diag vᵢ) = Σⱼ μⱼ·mᵢⱼ/vᵢⱼ − ½ Σⱼ μⱼ²/vᵢⱼ + cᵢ, with cᵢ = −½ Σⱼ (mᵢⱼ²/vᵢⱼ + log vᵢⱼ + log 2π):
        // one product of [μ, μ²] with the codes' [m/v; −½/v] plus cᵢ. The [N, M] matrix is the whole cost of this
        // score, so it is written once, instead of the [N, M, k] differences or one product per term.
        string clamped = graph.AddNode("Clip", [mean, lower, upper]);
        string rowTerms = graph.AddNode("Concat", [clamped, graph.AddNode("Mul", [clamped, clamped])], [OnnxGraphBuilder.IntAttribute("axis", 1)]);
        string codeTerms = graph.AddNode("Transpose",
            [graph.AddNode("Concat", [meanPrecisions, minusHalfPrecisions], [OnnxGraphBuilder.IntAttribute("axis", 1)])],
            [OnnxGraphBuilder.IntsAttribute("perm", 1, 0)]);
        string perCode = graph.AddNode("Add", [graph.AddNode("Mul", [codeMeans, meanPrecisions]), codeLogVariances]);
        // The mixture's weight 1/M joins the normalizers, so that the log-sum-exp below is already log q(μ).
        string constant = graph.AddInitializer("code_log_normalizer", [(float)(-0.5 * k * Math.Log(2 * Math.PI) - Math.Log(count))]);
        string offsets = graph.AddNode("Sub", [constant,
            graph.AddNode("Mul", [VaeOnnxGraph.SumOverColumns(graph, perCode, k), graph.Scalar(0.5f)])]);
        string logComponents = graph.AddNode("Add", [graph.AddNode("MatMul", [rowTerms, codeTerms]), offsets]);
        return VaeOnnxGraph.LogSumExpOverColumns(graph, logComponents, count);
    }
}
