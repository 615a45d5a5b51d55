using Google.Protobuf;
using Onnx;

namespace Vae.MLNet.Tests.Hostile;

/// <summary>
/// Seeded mutations of an ONNX model that keep it a valid protobuf, so that they get past the parser to what reads
/// the metadata, the weights and the graph: metadata values that lie (2^31 layers, NaN, a numeric enum), tensors whose
/// dimensions disagree with their data or overflow, missing or duplicated weights, altered operators.
/// </summary>
internal static class OnnxMutator
{
    private static readonly string[] InterestingText =
    [
        "", " ", "0", "-1", "1", "2", "7", "2147483647", "2147483648", "-2147483648", "99999999999999999999",
        "NaN", "Infinity", "-Infinity", "1e40", "-1e40", "3.4e38", "Relu,Tanh", "0x10", "Gaussian ", "\0", "é",
    ];

    private static readonly long[] InterestingDimensions =
        [0, -1, 1, 2, 65536, int.MaxValue, (long)int.MaxValue + 1, int.MinValue, long.MaxValue, long.MinValue];

    private static readonly float[] InterestingFloats =
        [float.NaN, float.PositiveInfinity, float.NegativeInfinity, float.MaxValue, -float.MaxValue, 1e30f, float.Epsilon, 0];

    /// <summary>One to three structural mutations of the ONNX model in <paramref name="original"/>.</summary>
    public static Mutation Mutate(byte[] original, Random random)
    {
        var model = ModelProto.Parser.ParseFrom(original);
        var steps = new List<string>();
        for (int count = random.Next(1, 4); count > 0; count--)
            steps.Add(MutateOnce(model, random));
        return new Mutation(model.ToByteArray(), string.Join("; ", steps));
    }

    private static string MutateOnce(ModelProto model, Random random)
    {
        var graph = model.Graph;
        switch (random.Next(4))
        {
            case 0 when model.MetadataProps.Count > 0:
                return MutateMetadata(model, random);
            case 1 when graph.Initializer.Count > 0:
                return MutateTensor(graph, random);
            case 2 when graph.Node.Count > 0:
                var node = graph.Node[random.Next(graph.Node.Count)];
                if (random.Next(2) == 0 || node.Input.Count == 0)
                {
                    node.OpType = Pick(["MatMul", "Add", "Reshape", "Loop", "Unknown", ""], random);
                    return $"node {node.Name} op {node.OpType}";
                }
                node.Input[random.Next(node.Input.Count)] = Pick(["", "missing", graph.Initializer.FirstOrDefault()?.Name ?? "x"], random);
                return $"node {node.Name} input renamed";
            default:
                if (random.Next(2) == 0 && graph.Input.Count > 0)
                {
                    var dimension = graph.Input[0].Type.TensorType.Shape.Dim.Last();
                    dimension.DimValue = Pick(InterestingDimensions, random);
                    return $"input width {dimension.DimValue}";
                }
                graph.Output.Clear();
                return "outputs removed";
        }
    }

    private static string MutateMetadata(ModelProto model, Random random)
    {
        int index = random.Next(model.MetadataProps.Count);
        var entry = model.MetadataProps[index];
        switch (random.Next(3))
        {
            case 0:
                model.MetadataProps.RemoveAt(index);
                return $"metadata {entry.Key} removed";
            case 1:
                model.MetadataProps.Add(new StringStringEntryProto { Key = entry.Key, Value = Pick(InterestingText, random) });
                return $"metadata {entry.Key} repeated";
            default:
                entry.Value = random.Next(4) == 0 ? string.Join(" ", Enumerable.Repeat(entry.Value, random.Next(2, 5))) : Pick(InterestingText, random);
                return $"metadata {entry.Key} = '{entry.Value}'";
        }
    }

    private static string MutateTensor(GraphProto graph, Random random)
    {
        int index = random.Next(graph.Initializer.Count);
        var tensor = graph.Initializer[index];
        switch (random.Next(6))
        {
            case 0 when tensor.Dims.Count > 0:
                int dimension = random.Next(tensor.Dims.Count);
                tensor.Dims[dimension] = Pick(InterestingDimensions, random);
                return $"{tensor.Name} dims [{string.Join(",", tensor.Dims)}]";
            case 1:
                tensor.Dims.Add(Pick(InterestingDimensions, random));
                return $"{tensor.Name} gains a dimension";
            case 2 when tensor.FloatData.Count > 0:
                int value = random.Next(tensor.FloatData.Count);
                tensor.FloatData[value] = Pick(InterestingFloats, random);
                return $"{tensor.Name}[{value}] = {tensor.FloatData[value]}";
            case 3 when tensor.FloatData.Count > 0:
                tensor.FloatData.RemoveAt(random.Next(tensor.FloatData.Count));
                return $"{tensor.Name} loses a value";
            case 4:
                graph.Initializer.Add(tensor.Clone());
                return $"{tensor.Name} duplicated";
            default:
                graph.Initializer.RemoveAt(index);
                return $"{tensor.Name} removed";
        }
    }

    private static T Pick<T>(T[] values, Random random) => values[random.Next(values.Length)];
}
