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
    private readonly string? _batchDimension;
    private readonly Dictionary<string, string> _metadata = new();
    private int _nodeCount;

    /// <param name="graphName">The graph's name.</param>
    /// <param name="batchDimension">The symbolic leading dimension of inputs and outputs; null for a graph that reads
    /// one row, whose per-row scalars then have shape [1].</param>
    public OnnxGraphBuilder(string graphName, string? batchDimension)
    {
        _graph = new GraphProto { Name = graphName };
        _batchDimension = batchDimension;
    }

    /// <summary>Declares a float graph input of shape [batch, <paramref name="featureDimensions"/>…].</summary>
    public string AddInput(string name, params long[] featureDimensions)
    {
        _graph.Input.Add(BatchedTensor(name, TensorProto.Types.DataType.Float, featureDimensions));
        return name;
    }

    /// <summary>Declares the value <paramref name="name"/> a float graph output of shape [batch, <paramref name="featureDimensions"/>…].</summary>
    public void AddOutput(string name, params long[] featureDimensions) =>
        _graph.Output.Add(BatchedTensor(name, TensorProto.Types.DataType.Float, featureDimensions));

    /// <summary>Declares the value <paramref name="name"/> a Boolean graph output of shape [batch].</summary>
    public void AddBooleanOutput(string name) =>
        _graph.Output.Add(BatchedTensor(name, TensorProto.Types.DataType.Bool, []));

    /// <summary>Stores a key–value pair in the model's metadata_props.</summary>
    public void SetMetadata(string key, string value) => _metadata[key] = value;

    /// <summary>Stores an int64 tensor in the graph, e.g. a shape for Reshape.</summary>
    public string AddInt64Initializer(string name, IReadOnlyList<long> values, params long[] dimensions) =>
        AddTensor(name, TensorProto.Types.DataType.Int64, dimensions, tensor => tensor.Int64Data.AddRange(values));

    /// <summary>Stores a float weight tensor in the graph; pass no dimensions for a scalar.</summary>
    public string AddInitializer(string name, IReadOnlyList<float> values, params long[] dimensions) =>
        AddTensor(name, TensorProto.Types.DataType.Float, dimensions, tensor => tensor.FloatData.AddRange(values));

    /// <summary>Stores a double tensor in the graph, for arithmetic that must match a computation done in double.</summary>
    public string AddDoubleInitializer(string name, double[] values, params long[] dimensions) =>
        AddTensor(name, TensorProto.Types.DataType.Double, dimensions, tensor => tensor.DoubleData.AddRange(values));

    /// <summary>
    /// Copies the nodes and weights of another graph into this one, every name prefixed with <paramref name="prefix"/>
    /// so that two copies of one network cannot collide, its inputs read from the values <paramref name="inputs"/> maps
    /// them to. Returns each of its outputs: the value that now holds it, and its declaration (type and shape).
    /// </summary>
    public IReadOnlyDictionary<string, (string Value, ValueInfoProto Declaration)> AddSubgraph(
        GraphProto subgraph, string prefix, IReadOnlyDictionary<string, string> inputs)
    {
        // An empty name is an omitted optional input, which stays omitted.
        string Rename(string name) => name.Length == 0 ? name : inputs.TryGetValue(name, out var value) ? value : prefix + name;
        foreach (var tensor in subgraph.Initializer)
        {
            var copy = tensor.Clone();
            copy.Name = Rename(tensor.Name);
            _graph.Initializer.Add(copy);
        }
        foreach (var node in subgraph.Node)
        {
            var copy = node.Clone();
            copy.Name = prefix + node.Name;
            copy.Input.Clear();
            copy.Input.AddRange(node.Input.Select(Rename));
            copy.Output.Clear();
            copy.Output.AddRange(node.Output.Select(Rename));
            _graph.Node.Add(copy);
        }
        return subgraph.Output.ToDictionary(o => o.Name, o => (Rename(o.Name), o));
    }

    /// <summary>Exposes <paramref name="value"/> as the graph output <paramref name="name"/>, of the type and shape <paramref name="declaration"/> gives.</summary>
    public void AddOutput(string value, string name, ValueInfoProto declaration)
    {
        AddNode("Identity", [value], output: name);
        var output = declaration.Clone();
        output.Name = name;
        _graph.Output.Add(output);
    }

    /// <summary>A float scalar constant, stored once per value however often it is asked for.</summary>
    public string Scalar(float value) =>
        AddInitializer($"scalar_{value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}", [value]);

    /// <summary>A [<paramref name="count"/>, 1] column of ones, for row sums as matrix products; stored once per size.</summary>
    public string OnesColumn(int count) => AddInitializer($"ones_{count}", Enumerable.Repeat(1f, count).ToArray(), count, 1);

    /// <summary>The shape [-1], for a Reshape that flattens.</summary>
    public string FlatShape() => AddInt64Initializer("flat_shape", [-1], 1);

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

    public static AttributeProto IntsAttribute(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    public static AttributeProto FloatAttribute(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    /// <summary>Wraps the graph in a model that imports the default ONNX domain at <paramref name="opsetVersion"/>, serialized.</summary>
    public byte[] ToModelBytes(long irVersion, long opsetVersion, string producerName)
    {
        var model = new ModelProto { IrVersion = irVersion, ProducerName = producerName, Graph = _graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opsetVersion });
        foreach (var (key, value) in _metadata)
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return model.ToByteArray();
    }

    /// <summary>
    /// Stores a tensor under <paramref name="name"/>. A name already stored with the same type, shape and values is
    /// the same weight used again (the decoder, run at z = μ and at sampled z) and is kept once; with anything else it
    /// is refused, since the graph would silently read the first tensor where the second was meant.
    /// </summary>
    /// <exception cref="InvalidOperationException">The name is stored with other values.</exception>
    private string AddTensor(string name, TensorProto.Types.DataType type, long[] dimensions, Action<TensorProto> fill)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)type };
        tensor.Dims.AddRange(dimensions);
        fill(tensor);
        var existing = _graph.Initializer.FirstOrDefault(stored => stored.Name == name);
        if (existing is null)
            _graph.Initializer.Add(tensor);
        else if (!existing.Equals(tensor))
            throw new InvalidOperationException(
                $"The graph already stores a tensor named '{name}' ([{string.Join(", ", existing.Dims)}]) with other values than " +
                $"the one added now ([{string.Join(", ", dimensions)}]): two different weights need two names.");
        return name;
    }

    private ValueInfoProto BatchedTensor(string name, TensorProto.Types.DataType type, long[] featureDimensions)
    {
        var shape = new TensorShapeProto();
        if (_batchDimension != null)
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = _batchDimension });
        else if (featureDimensions.Length == 0)
            featureDimensions = [1];
        foreach (long size in featureDimensions)
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = size });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto
            {
                TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape },
            },
        };
    }
}
