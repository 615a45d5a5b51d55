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

    /// <summary>Adds the nodes; returns log q(μ) as a [N] value.</summary>
    public static string Add(OnnxGraphBuilder graph, string mean, LatentCodes codes)
    {
        int m = codes.Count, k = codes.LatentDimension;
        // The codes are stored as they are, so that a reader gets them back bit for bit; everything derived from them
        // below has constant inputs only, which ONNX Runtime folds once when it loads the graph.
        string lower = graph.AddInitializer("latent_min", [-LatentBound]), upper = graph.AddInitializer("latent_max", [LatentBound]);
        string codeMeans = graph.AddNode("Clip", [graph.AddInitializer(MeansName, codes.Means, m, k), lower, upper]);
        string codeLogVariances = graph.AddNode("Clip", [graph.AddInitializer(LogVariancesName, codes.LogVariances, m, k),
            graph.AddInitializer("log_variance_min", [-VaeOnnxGraph.LogVarianceBound]), graph.AddInitializer("log_variance_max", [VaeOnnxGraph.LogVarianceBound])]);
        mean = graph.AddNode("Clip", [mean, lower, upper]);
        string precisions = graph.AddNode("Exp", [graph.AddNode("Neg", [codeLogVariances])]);
        string meanPrecisions = graph.AddNode("Mul", [codeMeans, precisions]);

        // log N(μ; mᵢ, diag vᵢ) = Σⱼ μⱼmᵢⱼ/vᵢⱼ − ½ Σⱼ μⱼ²/vᵢⱼ − ½ Σⱼ (mᵢⱼ²/vᵢⱼ + log vᵢⱼ + log 2π): expanded, the [N, M]
        // terms are two matrix products instead of an [N, M, k] tensor of differences, many times the work.
        string halfPrecisions = graph.AddNode("Mul", [precisions, graph.AddInitializer("half_scalar", [0.5f])]);
        string linear = graph.AddNode("MatMul", [mean, Transposed(graph, meanPrecisions)]);
        string quadratic = graph.AddNode("MatMul", [graph.AddNode("Mul", [mean, mean]), Transposed(graph, halfPrecisions)]);
        string perCode = graph.AddNode("Add", [graph.AddNode("Mul", [codeMeans, meanPrecisions]), codeLogVariances]);
        // The mixture's weight 1/M joins the normalizers, so that the log-sum-exp below is already log q(μ).
        string constant = graph.AddInitializer("code_log_normalizer", [(float)(-0.5 * k * Math.Log(2 * Math.PI) - Math.Log(m))]);
        string offsets = graph.AddNode("Sub", [constant,
            graph.AddNode("Mul", [VaeOnnxGraph.SumOverColumns(graph, perCode, "code_latent_ones", k), graph.AddInitializer("half_scalar", [0.5f])])]);
        string logComponents = graph.AddNode("Add", [graph.AddNode("Sub", [linear, quadratic]), offsets]);
        return VaeOnnxGraph.LogSumExpOverColumns(graph, logComponents, "code_ones", m);
    }

    private static string Transposed(OnnxGraphBuilder graph, string matrix) =>
        graph.AddNode("Transpose", [matrix], [OnnxGraphBuilder.IntsAttribute("perm", 1, 0)]);
}
