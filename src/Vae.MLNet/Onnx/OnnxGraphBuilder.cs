using Google.Protobuf;
using Onnx;

namespace Vae.MLNet;

/// <summary>
/// Accumulates the nodes, weights and signature of an ONNX graph whose inputs and outputs all lead with one symbolic
/// batch dimension, so that the code building a network reads as a sequence of operators.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    private readonly GraphProto _graph;
    private readonly string _batchDimension;
    private int _nodeCount;

    public OnnxGraphBuilder(string graphName, string batchDimension)
    {
        _graph = new GraphProto { Name = graphName };
        _batchDimension = batchDimension;
    }

    /// <summary>Declares a float graph input of shape [batch, <paramref name="featureDimensions"/>…].</summary>
    public string AddInput(string name, params long[] featureDimensions)
    {
        _graph.Input.Add(BatchedFloatTensor(name, featureDimensions));
        return name;
    }

    /// <summary>Declares the value <paramref name="name"/> a float graph output of shape [batch, <paramref name="featureDimensions"/>…].</summary>
    public void AddOutput(string name, params long[] featureDimensions) =>
        _graph.Output.Add(BatchedFloatTensor(name, featureDimensions));

    /// <summary>Stores a float weight tensor in the graph; pass no dimensions for a scalar.</summary>
    public string AddInitializer(string name, float[] values, params long[] dimensions)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dimensions);
        tensor.FloatData.AddRange(values);
        _graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>
    /// Appends a single-output operator and returns the name of its output: <paramref name="output"/> when the value
    /// must carry a graph output's name, a generated unique name otherwise.
    /// </summary>
    public string AddNode(string opType, string[] inputs, AttributeProto[]? attributes = null, string? output = null)
    {
        string nodeName = $"{opType}_{_nodeCount++}";
        var node = new NodeProto { OpType = opType, Name = nodeName };
        node.Input.AddRange(inputs);
        node.Output.Add(output ?? nodeName);
        if (attributes is not null)
            node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return node.Output[0];
    }

    public static AttributeProto IntAttribute(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto FloatAttribute(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    /// <summary>Wraps the graph in a model that imports the default ONNX domain at <paramref name="opsetVersion"/>, serialized.</summary>
    public byte[] ToModelBytes(long irVersion, long opsetVersion, string producerName)
    {
        var model = new ModelProto { IrVersion = irVersion, ProducerName = producerName, Graph = _graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opsetVersion });
        return model.ToByteArray();
    }

    private ValueInfoProto BatchedFloatTensor(string name, long[] featureDimensions)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = _batchDimension });
        foreach (long size in featureDimensions)
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = size });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto
            {
                TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape },
            },
        };
    }
}
