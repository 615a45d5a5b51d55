namespace Vae.MLNet;

/// <summary>
/// The graph part that computes ½ Σᵢ ((x − mean)·wᵢ)², the Mahalanobis distance of each row along the model's
/// <see cref="VaeModel.MinorComponents"/>, in nats: one [N, D] × [D, m] product for the whole batch.
/// </summary>
internal static class MinorComponentsTerm
{
    public const string MeanName = "minor_components.mean";
    public const string VectorsName = "minor_components.scaled_vectors";

    /// <summary>
    /// Projections are clamped to ±1e15 before they are squared, so that the sum of m squares stays finite in float
    /// whatever a file's vectors (within <see cref="MinorComponents.ScaledVectorBound"/>) make of a clamped feature.
    /// </summary>
    public const float ProjectionBound = 1e15f;

    /// <summary>
    /// Adds the components and the nodes; returns the term as a [N] value. The vectors are stored [D, m] for MatMul
    /// (exactly the transpose of the model's [m, D]), so that a reader gets them back bit for bit. <paramref name="x"/>
    /// is the rows, clamped to ±<see cref="VaeOnnxGraph.FeatureBound"/>, [N, D].
    /// </summary>
    public static string Add(OnnxGraphBuilder graph, string x, MinorComponents components)
    {
        int d = components.Dimension, m = components.Count;
        // The stored mean is the training rows' own; clamped like the rows, so that their difference stays finite.
        string mean = graph.AddNode("Clip", [graph.AddInitializer(MeanName, components.Mean, d),
            graph.Scalar(-VaeOnnxGraph.FeatureBound), graph.Scalar(VaeOnnxGraph.FeatureBound)]);
        string vectors = graph.AddInitializer(VectorsName, VaeOnnxGraph.Transpose(components.ScaledVectors, m, d), d, m);
        string projections = graph.AddNode("Clip", [graph.AddNode("MatMul", [graph.AddNode("Sub", [x, mean]), vectors]),
            graph.Scalar(-ProjectionBound), graph.Scalar(ProjectionBound)]);
        return graph.AddNode("Mul", [VaeOnnxGraph.SumOverColumns(graph, graph.AddNode("Mul", [projections, projections]), m), graph.Scalar(0.5f)]);
    }
}
