namespace Vae.MLNet;

/// <summary>
/// The <c>score</c> part of a VAE graph, for each <see cref="VaeScoreKind"/>: the one place that branches on the kind
/// (what each computes, which draw samples, which need the training codes). <see cref="VaeScoring"/> is the choice;
/// this is its graph.
/// </summary>
internal static class VaeScoreGraph
{
    /// <summary>Whether a score of <paramref name="kind"/> draws latent samples (and so needs at least one draw).</summary>
    public static bool IsSampled(VaeScoreKind kind) => kind is VaeScoreKind.MonteCarloElbo or VaeScoreKind.ImportanceWeighted;

    /// <summary>
    /// Adds the nodes that compute the score of <paramref name="scoring"/> as <paramref name="output"/>. ONNX Runtime
    /// runs every node of a graph, whichever outputs are fetched, and warns about stored values that no node reads: the
    /// codes, and the density that compares each row with every one of them, are only in graphs that score with them.
    /// </summary>
    public static void Add(OnnxGraphBuilder graph, VaeModel model, VaeScoring scoring, ObservedFeatures features, string mean, string logVariance,
        string reconstructionError, string klDivergence, string output)
    {
        scoring.Validate(model);
        if (scoring.ObservedCountScale is not { } countScale)
        {
            AddUnmapped(graph, model, scoring, features, mean, logVariance, reconstructionError, klDivergence, output);
            return;
        }
        // aₖ · s + bₖ, the row's count k of observed features picking its pair out of the tables.
        string score = AddUnmapped(graph, model, scoring, features, mean, logVariance, reconstructionError, klDivergence, null);
        string count = graph.AddNode("Cast", [graph.AddNode("Reshape", [features.ObservedCount!, graph.FlatShape()])],
            [OnnxGraphBuilder.IntAttribute("to", (long)global::Onnx.TensorProto.Types.DataType.Int64)]);
        string scale = graph.AddNode("Gather", [graph.AddInitializer("observed_count_scales", countScale.Scales, countScale.Scales.Count), count]);
        string offset = graph.AddNode("Gather", [graph.AddInitializer("observed_count_offsets", countScale.Offsets, countScale.Offsets.Count), count]);
        graph.AddNode("Add", [graph.AddNode("Mul", [score, scale]), offset], output: output);
    }

    /// <summary>The score as <paramref name="scoring"/>'s kind computes it, under <paramref name="output"/> (or a name of its own when null); returns its name.</summary>
    private static string AddUnmapped(OnnxGraphBuilder graph, VaeModel model, VaeScoring scoring, ObservedFeatures features, string mean, string logVariance,
        string reconstructionError, string klDivergence, string? output)
    {
        switch (scoring.Kind)
        {
            case VaeScoreKind.NegativeElbo:
                return graph.AddNode("Add", [reconstructionError, klDivergence], output: output);
            case VaeScoreKind.Reconstruction:
                return graph.AddNode("Identity", [reconstructionError], output: output);
            case VaeScoreKind.KlDivergence:
                return graph.AddNode("Identity", [klDivergence], output: output);
            case VaeScoreKind.AggregatePosterior:
            {
                if (model.TrainingCodes is not { } codes)
                    throw new InvalidOperationException(
                        $"The {nameof(VaeScoreKind.AggregatePosterior)} score needs the training codes that training stores in the model; this model has none.");
                string codeLogDensity = AggregatePosteriorDensity.Add(graph, mean, codes);
                string weight = graph.AddInitializer("code_density_weight", [(float)scoring.LatentDensityWeight]);
                if (model.MinorComponents is not { } minor)
                {
                    // A model without minor components (written before them, or of missing values or mixed columns)
                    // scores with the graph it always had, node for node.
                    return graph.AddNode("Sub", [reconstructionError, graph.AddNode("Mul", [codeLogDensity, weight])], output: output);
                }
                string score = graph.AddNode("Sub", [reconstructionError, graph.AddNode("Mul", [codeLogDensity, weight])]);
                string minorWeight = graph.AddInitializer("minor_component_weight", [(float)scoring.MinorComponentWeight]);
                return graph.AddNode("Add", [score, graph.AddNode("Mul", [MinorComponentsTerm.Add(graph, features.X, minor), minorWeight])], output: output);
            }
            case VaeScoreKind.MonteCarloElbo:
            {
                var draws = Draws(graph, model, scoring.Samples, scoring.Seed, features.X, features.CellWeight, mean, logVariance);
                // The mean over the K draws of −log p(x|zₖ), as a product with a column of 1/K.
                string average = graph.AddNode("MatMul", [draws.NegativeLogLikelihood,
                    graph.AddInitializer("draw_mean", Enumerable.Repeat(1f / scoring.Samples, scoring.Samples).ToArray(), scoring.Samples, 1)]);
                return graph.AddNode("Add", [Flatten(graph, average), klDivergence], output: output);
            }
            case VaeScoreKind.ImportanceWeighted:
            {
                var draws = Draws(graph, model, scoring.Samples, scoring.Seed, features.X, features.CellWeight, mean, logVariance);
                string logWeights = LogImportanceWeights(graph, model, draws, logVariance, scoring.Samples);
                string logMeanWeight = graph.AddNode("Sub", [VaeOnnxGraph.LogSumExpOverColumns(graph, logWeights, scoring.Samples),
                    graph.AddInitializer("log_draws", [(float)Math.Log(scoring.Samples)])]);
                return graph.AddNode("Neg", [logMeanWeight], output: output);
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(scoring), scoring.Kind, "Unknown score kind.");
        }
    }

    /// <summary>
    /// log wₖ = log p(x|zₖ) + log p(zₖ) − log q(zₖ|x) = −nllₖ − ½‖zₖ‖² + ½‖εₖ‖² + ½ Σ log σ² for each of the
    /// <paramref name="samples"/> draws of each row, [N, K] (the log 2π terms cancel).
    /// </summary>
    internal static string LogImportanceWeights(OnnxGraphBuilder graph, VaeModel model, LatentDraws draws, string logVariance, int samples)
    {
        int k = model.LatentDimension;
        string latentOnes = graph.OnesColumn(k);
        string halfSquaredNormZ = graph.AddNode("Mul", [graph.AddNode("Reshape", [
            graph.AddNode("MatMul", [graph.AddNode("Mul", [draws.Z, draws.Z]), latentOnes]),
            graph.AddInt64Initializer("draws_shape", [-1, samples], 2)]), graph.Scalar(0.5f)]);
        var halfSquaredNormEpsilon = draws.Epsilon.Chunk(k).Select(e => 0.5f * e.Sum(v => v * v)).ToArray();
        string halfSumLogVariance = graph.AddNode("Mul", [graph.AddNode("MatMul", [logVariance, latentOnes]), graph.Scalar(0.5f)]);
        return graph.AddNode("Add", [
            graph.AddNode("Sub", [graph.AddNode("Neg", [draws.NegativeLogLikelihood]), halfSquaredNormZ]),
            graph.AddNode("Add", [graph.AddInitializer("half_squared_norm_epsilon", halfSquaredNormEpsilon, samples), halfSumLogVariance])]);
    }

    /// <summary>
    /// K draws zₖ = μ + σ ⊙ εₖ per row, with εₖ fixed by the seed (the same for every row), decoded and compared with
    /// the row <paramref name="x"/>: see <see cref="LatentDraws"/>. With <paramref name="cellWeight"/>, [N, D], each
    /// cell's −log p(xⱼ|zₖ) is weighted by it (a missing cell's weight is 0).
    /// </summary>
    internal static LatentDraws Draws(OnnxGraphBuilder graph, VaeModel model, int samples, int seed,
        string x, string? cellWeight, string mean, string logVariance)
    {
        int k = model.LatentDimension, d = model.InputDimension;
        var epsilon = new float[samples * k];
        for (int s = 0; s < samples; s++)
            LatentNoise.Fill(seed, s, epsilon.AsSpan(s * k, k));
        string one = graph.AddInt64Initializer("axis_one", [1], 1);
        string std = graph.AddNode("Exp", [graph.AddNode("Mul", [logVariance, graph.Scalar(0.5f)])]);
        string z3 = graph.AddNode("Add", [graph.AddNode("Unsqueeze", [mean, one]),
            graph.AddNode("Mul", [graph.AddNode("Unsqueeze", [std, one]), graph.AddInitializer("epsilon", epsilon, samples, k)])]);
        string z = graph.AddNode("Reshape", [z3, graph.AddInt64Initializer("latent_rows_shape", [-1, k], 2)]);
        string Repeat(string rows) => graph.AddNode("Reshape", [
            graph.AddNode("Expand", [graph.AddNode("Unsqueeze", [rows, one]), graph.AddInt64Initializer("draws_expand", [1, samples, 1], 3)]),
            graph.AddInt64Initializer("feature_rows_shape", [-1, d], 2)]);
        var (reconstruction, featureError) = VaeOnnxGraph.DecodeAndCompare(graph, model, z, Repeat(x), null, null);
        string weighted = cellWeight is null ? featureError! : graph.AddNode("Mul", [featureError!, Repeat(cellWeight)]);
        string perDraw = graph.AddNode("MatMul", [weighted, graph.OnesColumn(d)]);
        string nll = graph.AddNode("Reshape", [perDraw, graph.AddInt64Initializer("draws_shape", [-1, samples], 2)]);
        return new LatentDraws(nll, z, epsilon, reconstruction);
    }

    private static string Flatten(OnnxGraphBuilder graph, string value) =>
        graph.AddNode("Reshape", [value, graph.FlatShape()]);
}

/// <summary>K latent draws per row and what the decoder makes of them.</summary>
/// <param name="NegativeLogLikelihood">−log p(x|zₖ), [N, K] (over the observed cells, weighted, when cells are missing).</param>
/// <param name="Z">The draws, [N·K, k], row-major by row then draw.</param>
/// <param name="Epsilon">The fixed ε values, [K·k].</param>
/// <param name="Reconstruction">The decoder's mean (or probabilities) at each draw, [N·K, D].</param>
internal sealed record LatentDraws(string NegativeLogLikelihood, string Z, float[] Epsilon, string Reconstruction);
