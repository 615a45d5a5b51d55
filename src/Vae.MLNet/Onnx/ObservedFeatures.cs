namespace Vae.MLNet;

/// <summary>
/// The part of a VAE graph that reads the feature rows: what the encoder and the likelihood see, and, for a model of
/// missing values (<see cref="VaeMissingValues.Model"/>), which cells are missing and how each observed cell weighs in
/// the reconstruction term.
/// </summary>
/// <param name="X">The rows the likelihood compares reconstructions with, [N, D]: clamped, missing cells set to 0.</param>
/// <param name="EncoderInput">What the encoder reads: <paramref name="X"/>, or [X, mask] side by side, [N, 2D].</param>
/// <param name="Missing">Boolean [N, D], true for a missing cell; null for a model that refuses NaN.</param>
/// <param name="Observed">Float [N, D], 1 for an observed cell and 0 for a missing one; null likewise.</param>
/// <param name="CellWeight">
/// Float [N, D]: D / (the row's observed count) for an observed cell, 0 for a missing one, so that the weighted sum of
/// −log p(xⱼ|z) over the observed cells is on the scale of a complete row's sum over all D; null likewise. A row with
/// no observed cell gets NaN weights, hence a NaN reconstruction term and score: it holds no evidence either way. For
/// mixed columns (<see cref="VaeInputLayout"/>) the count is of feature slots, not cells: F / (observed slots), so that
/// a key of K categories counts as one feature, as it is one.
/// </param>
/// <param name="MissingSlots">Boolean [N, F], true for a missing feature slot; <paramref name="Missing"/> itself for one real column.</param>
/// <param name="ObservedCount">Float [N, 1], the row's count of observed feature slots (a key slot counts once); null likewise.</param>
internal sealed record ObservedFeatures(string X, string EncoderInput, string? Missing, string? Observed, string? CellWeight, string? MissingSlots,
    string? ObservedCount)
{
    /// <summary>Adds the nodes that read <paramref name="rows"/>, [N, D], as <paramref name="model"/> treats NaN.</summary>
    public static ObservedFeatures Add(OnnxGraphBuilder graph, VaeModel model, string rows)
    {
        if (model.MissingValues == VaeMissingValues.Error)
        {
            // The graph of a model that refuses NaN is the one it always was, node for node, so its files are unchanged.
            string clamped = Clamp(graph, rows);
            return new ObservedFeatures(clamped, clamped, null, null, null, null, null);
        }
        int d = model.InputDimension;
        string missing = graph.AddNode("IsNaN", [rows]);
        string observed = graph.AddNode("Cast", [graph.AddNode("Not", [missing])],
            [OnnxGraphBuilder.IntAttribute("to", (long)global::Onnx.TensorProto.Types.DataType.Float)]);
        // 0 is the mean of a standardized feature: the encoder tells it from an observed 0 by the mask beside it.
        string x = Clamp(graph, graph.AddNode("Where", [missing, graph.Scalar(0f), rows]));
        string encoderInput = graph.AddNode("Concat", [x, observed], [OnnxGraphBuilder.IntAttribute("axis", 1)]);
        var layout = model.InputLayout;
        if (layout.IsSingleReal)
        {
            string observedCount = graph.AddNode("MatMul", [observed, graph.OnesColumn(d)]);
            string scale = graph.AddNode("Div", [graph.Scalar(d), observedCount]);
            return new ObservedFeatures(x, encoderInput, missing, observed, graph.AddNode("Mul", [observed, scale]), missing, observedCount);
        }
        // A slot is missing when any of its cells is (a missing key's K cells are all NaN); counts of cells are exact in float.
        string missingCells = graph.AddNode("MatMul", [graph.AddNode("Cast", [missing], [OnnxGraphBuilder.IntAttribute("to", (long)global::Onnx.TensorProto.Types.DataType.Float)]),
            VaeOnnxGraph.CellsToSlots(graph, layout)]);
        string missingSlots = graph.AddNode("Greater", [missingCells, graph.Scalar(0f)]);
        string observedSlots = graph.AddNode("Cast", [graph.AddNode("Not", [missingSlots])],
            [OnnxGraphBuilder.IntAttribute("to", (long)global::Onnx.TensorProto.Types.DataType.Float)]);
        string observedSlotCount = graph.AddNode("MatMul", [observedSlots, graph.OnesColumn(layout.Features)]);
        string slotScale = graph.AddNode("Div", [graph.Scalar(layout.Features), observedSlotCount]);
        return new ObservedFeatures(x, encoderInput, missing, observed, graph.AddNode("Mul", [observed, slotScale]), missingSlots, observedSlotCount);
    }

    /// <summary>
    /// Features clamped to ±<see cref="VaeOnnxGraph.FeatureBound"/>: a finite but extreme value (say 1e20) would overflow
    /// squares and exponentials to ∞; clamped, it still scores far above any normal row, and a finite score stays
    /// finite. Normal data never comes near the bounds.
    /// </summary>
    private static string Clamp(OnnxGraphBuilder graph, string rows) =>
        graph.AddNode("Clip", [rows, graph.AddInitializer("feature_min", [-VaeOnnxGraph.FeatureBound]), graph.AddInitializer("feature_max", [VaeOnnxGraph.FeatureBound])]);
}
