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
    public static void Add(OnnxGraphBuilder graph, VaeModel model, VaeScoring scoring, string x, string mean, string logVariance,
        string reconstructionError, string klDivergence, string output)
    {
        scoring.Validate();
        switch (scoring.Kind)
        {
            case VaeScoreKind.NegativeElbo:
                graph.AddNode("Add", [reconstructionError, klDivergence], output: output);
                break;
            case VaeScoreKind.Reconstruction:
                graph.AddNode("Identity", [reconstructionError], output: output);
                break;
            case VaeScoreKind.KlDivergence:
                graph.AddNode("Identity", [klDivergence], output: output);
                break;
            case VaeScoreKind.AggregatePosterior:
            {
                if (model.TrainingCodes is not { } codes)
                    throw new InvalidOperationException(
                        $"The {nameof(VaeScoreKind.AggregatePosterior)} score needs the training codes that training stores in the model; this model has none.");
                string codeLogDensity = AggregatePosteriorDensity.Add(graph, mean, codes);
                string weight = graph.AddInitializer("code_density_weight", [(float)scoring.LatentDensityWeight]);
                graph.AddNode("Sub", [reconstructionError, graph.AddNode("Mul", [codeLogDensity, weight])], output: output);
                break;
            }
            case VaeScoreKind.MonteCarloElbo:
            {
                var draws = Draws(graph, model, scoring, x, mean, logVariance);
                // The mean over the K draws of −log p(x|zₖ), as a product with a column of 1/K.
                string average = graph.AddNode("MatMul", [draws.NegativeLogLikelihood,
                    graph.AddInitializer("draw_mean", Enumerable.Repeat(1f / scoring.Samples, scoring.Samples).ToArray(), scoring.Samples, 1)]);
                graph.AddNode("Add", [Flatten(graph, average), klDivergence], output: output);
                break;
            }
            case VaeScoreKind.ImportanceWeighted:
            {
                var draws = Draws(graph, model, scoring, x, mean, logVariance);
                // log wₖ = log p(x|zₖ) + log p(zₖ) − log q(zₖ|x) = −nllₖ − ½‖zₖ‖² + ½‖εₖ‖² + ½ Σ log σ² (the log 2π terms cancel).
                int k = model.LatentDimension;
                string latentOnes = graph.OnesColumn(k);
                string halfSquaredNormZ = graph.AddNode("Mul", [graph.AddNode("Reshape", [
                    graph.AddNode("MatMul", [graph.AddNode("Mul", [draws.Z, draws.Z]), latentOnes]),
                    graph.AddInt64Initializer("draws_shape", [-1, scoring.Samples], 2)]), graph.Scalar(0.5f)]);
                var halfSquaredNormEpsilon = draws.Epsilon.Chunk(k).Select(e => 0.5f * e.Sum(v => v * v)).ToArray();
                string halfSumLogVariance = graph.AddNode("Mul", [graph.AddNode("MatMul", [logVariance, latentOnes]), graph.Scalar(0.5f)]);
                string logWeights = graph.AddNode("Add", [
                    graph.AddNode("Sub", [graph.AddNode("Neg", [draws.NegativeLogLikelihood]), halfSquaredNormZ]),
                    graph.AddNode("Add", [graph.AddInitializer("half_squared_norm_epsilon", halfSquaredNormEpsilon, scoring.Samples), halfSumLogVariance])]);
                string logMeanWeight = graph.AddNode("Sub", [VaeOnnxGraph.LogSumExpOverColumns(graph, logWeights, scoring.Samples),
                    graph.AddInitializer("log_draws", [(float)Math.Log(scoring.Samples)])]);
                graph.AddNode("Neg", [logMeanWeight], output: output);
                break;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(scoring), scoring.Kind, "Unknown score kind.");
        }
    }

    /// <summary>
    /// K draws zₖ = μ + σ ⊙ εₖ per row, with εₖ fixed by the seed (the same for every row), decoded and compared with
    /// the row: −log p(x|zₖ) as [N, K], the draws as [N·K, k], and the ε values, [K·k].
    /// </summary>
    private static (string NegativeLogLikelihood, string Z, float[] Epsilon) Draws(OnnxGraphBuilder graph, VaeModel model, VaeScoring scoring,
        string x, string mean, string logVariance)
    {
        int k = model.LatentDimension, d = model.InputDimension, samples = scoring.Samples;
        var epsilon = new float[samples * k];
        for (int s = 0; s < samples; s++)
            LatentNoise.Fill(scoring.Seed, s, epsilon.AsSpan(s * k, k));
        string one = graph.AddInt64Initializer("axis_one", [1], 1);
        string std = graph.AddNode("Exp", [graph.AddNode("Mul", [logVariance, graph.Scalar(0.5f)])]);
        string z3 = graph.AddNode("Add", [graph.AddNode("Unsqueeze", [mean, one]),
            graph.AddNode("Mul", [graph.AddNode("Unsqueeze", [std, one]), graph.AddInitializer("epsilon", epsilon, samples, k)])]);
        string z = graph.AddNode("Reshape", [z3, graph.AddInt64Initializer("latent_rows_shape", [-1, k], 2)]);
        string xRepeated = graph.AddNode("Reshape", [
            graph.AddNode("Expand", [graph.AddNode("Unsqueeze", [x, one]), graph.AddInt64Initializer("draws_expand", [1, samples, 1], 3)]),
            graph.AddInt64Initializer("feature_rows_shape", [-1, d], 2)]);
        string featureError = VaeOnnxGraph.DecodeAndCompare(graph, model, z, xRepeated, null, null).FeatureError!;
        string perDraw = graph.AddNode("MatMul", [featureError, graph.OnesColumn(d)]);
        string nll = graph.AddNode("Reshape", [perDraw, graph.AddInt64Initializer("draws_shape", [-1, samples], 2)]);
        return (nll, z, epsilon);
    }

    private static string Flatten(OnnxGraphBuilder graph, string value) =>
        graph.AddNode("Reshape", [value, graph.FlatShape()]);
}
