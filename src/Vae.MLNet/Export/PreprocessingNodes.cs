using Onnx;

namespace Vae.MLNet;

/// <summary>
/// The ONNX nodes of ML.NET's preprocessing transforms, each written after the arithmetic ML.NET does on a dense row,
/// operation for operation, so that the graph reproduces its values. Every value is a [N, width] float matrix; per-slot
/// parameters are [width] vectors that broadcast over the rows. The <c>name</c> arguments name the stored
/// parameters and must be unique in the graph.
/// </summary>
internal static class PreprocessingNodes
{
    /// <summary>ML.NET's affine normalizers (mean–variance, min–max, robust scaling): (x − offset) · scale, in float.</summary>
    public static string Affine(OnnxGraphBuilder graph, string name, string x, float[] scale, float[] offset)
    {
        // A normalizer fitted with fixZero has no offsets; x − 0 is x, so the subtraction is left out.
        string shifted = offset.All(o => o == 0) ? x : graph.AddNode("Sub", [x, graph.AddInitializer($"{name}.offset", offset, offset.Length)]);
        return graph.AddNode("Mul", [shifted, graph.AddInitializer($"{name}.scale", scale, scale.Length)]);
    }

    /// <summary>
    /// ML.NET's CDF normalizer (NormalizeLogMeanVariance, or NormalizeMeanVariance with useCdf): v = log x (computed in
    /// double, rounded to float) or x; z = (v − mean) / σ in float; then ML.NET's approximation of the normal CDF,
    /// ½ + ½·sign(z)·√(1 − exp(−(z²/2)·(4/π + a·z²/2) / (1 + a·z²/2))) with a = 0.147, in double as ML.NET computes it.
    /// A slot whose v is not finite (x ≤ 0 or missing, under the log) or whose σ is not above float's epsilon maps to 0.
    /// </summary>
    public static string Cdf(OnnxGraphBuilder graph, string name, string x, float[] mean, float[] standardDeviation, bool useLog)
    {
        int width = mean.Length;
        string v = useLog ? ToFloat(graph, graph.AddNode("Log", [ToDouble(graph, x)])) : x;
        string z = graph.AddNode("Div", [graph.AddNode("Sub", [v, graph.AddInitializer($"{name}.mean", mean, width)]),
            graph.AddInitializer($"{name}.standard_deviation", standardDeviation, width)]);
        string halfSquare = graph.AddNode("Div", [graph.AddNode("Mul", [z, z]), graph.Scalar(2f)]);
        string aHalfSquare = graph.AddNode("Mul", [halfSquare, graph.Scalar(0.147f)]);
        // ML.NET adds 1 + a·z²/2 in float and everything else in double.
        string denominator = ToDouble(graph, graph.AddNode("Add", [aHalfSquare, graph.Scalar(1f)]));
        string numerator = graph.AddNode("Mul", [graph.AddNode("Neg", [ToDouble(graph, halfSquare)]),
            graph.AddNode("Add", [ToDouble(graph, aHalfSquare), graph.AddDoubleInitializer("double_4_over_pi", [4 / Math.PI])])]);
        string root = graph.AddNode("Sqrt", [graph.AddNode("Sub", [Double(graph, 1),
            graph.AddNode("Exp", [graph.AddNode("Div", [numerator, denominator])])])]);
        string cdf = graph.AddNode("Add", [Double(graph, 0.5),
            graph.AddNode("Mul", [graph.AddNode("Mul", [Double(graph, 0.5), graph.AddNode("Sign", [ToDouble(graph, z)])]), root])]);

        string finite = graph.AddNode("Not", [graph.AddNode("Or", [graph.AddNode("IsNaN", [v]), graph.AddNode("IsInf", [v])])]);
        // Constant for a fitted normalizer: ONNX Runtime folds it when it loads the graph.
        string spread = graph.AddNode("Greater", [graph.AddInitializer($"{name}.standard_deviation_check", standardDeviation, width), graph.Scalar(float.Epsilon)]);
        return graph.AddNode("Where", [graph.AddNode("And", [finite, spread]), ToFloat(graph, cdf), graph.Scalar(0f)]);
    }

    /// <summary>ReplaceMissingValues: NaN slots take the fitted replacement, one for all slots or one per slot.</summary>
    public static string ReplaceMissing(OnnxGraphBuilder graph, string name, string x, float[] replacement) =>
        graph.AddNode("Where", [graph.AddNode("IsNaN", [x]), graph.AddInitializer($"{name}.replacement", replacement, replacement.Length), x]);

    /// <summary>The columns joined side by side, as Concatenate lays out their slots.</summary>
    public static string Concatenate(OnnxGraphBuilder graph, IReadOnlyList<string> columns) =>
        graph.AddNode("Concat", [.. columns], [OnnxGraphBuilder.IntAttribute("axis", 1)]);

    private static string Double(OnnxGraphBuilder graph, double value) =>
        graph.AddDoubleInitializer($"double_{value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}", [value]);

    private static string ToDouble(OnnxGraphBuilder graph, string value) =>
        graph.AddNode("Cast", [value], [OnnxGraphBuilder.IntAttribute("to", (long)TensorProto.Types.DataType.Double)]);

    private static string ToFloat(OnnxGraphBuilder graph, string value) =>
        graph.AddNode("Cast", [value], [OnnxGraphBuilder.IntAttribute("to", (long)TensorProto.Types.DataType.Float)]);
}
