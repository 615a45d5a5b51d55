namespace Vae.MLNet;

/// <summary>What a scoring graph built by <see cref="VaeOnnxGraph"/> exposes, and how it scores.</summary>
internal sealed record VaeGraphOptions
{
    /// <summary>The name of the feature input.</summary>
    public string InputName { get; init; } = VaeOnnxGraph.Features;

    /// <summary>The exposed outputs: (graph value, output name).</summary>
    public IReadOnlyList<(string Output, string Name)> Outputs { get; init; } = VaeOnnxGraph.AllOutputs;

    /// <summary>When set, a Boolean output of that name: score above the threshold, or NaN unless the threshold is +∞.</summary>
    public (string Name, float Threshold)? Label { get; init; }

    /// <summary>
    /// When set, a Single output of that name: the conformal p-value of the score against the calibration scores,
    /// (1 + their number at or above the score) / (n + 1).
    /// </summary>
    public (string Name, CalibrationScores Calibration)? PValue { get; init; }

    /// <summary>Extra metadata_props, such as a component's settings.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>Read one row [D] instead of batches [N, D], as ML.NET's OnnxTransformer feeds it.</summary>
    public bool PerRow { get; init; }

    /// <summary>
    /// Whether a missing key arrives as a block of K zeros rather than NaN (<see cref="VaeOnnxGraph.MarkMissingKeys"/>):
    /// what a saved pipeline of mixed columns feeds its graph, having one-hot encoded its keys with ML.NET's
    /// <c>KeyToVector</c>, and what an ONNX host may feed an exported file (a block of K zeros is no category, so
    /// files of mixed columns read it as missing too). Default false: the batched scorer writes NaN itself.
    /// </summary>
    public bool KeysAsZeroBlocks { get; init; }

    /// <summary>How the <c>score</c> output is computed.</summary>
    public VaeScoring Scoring { get; init; } = VaeScoring.NegativeElboAtMean;
}
