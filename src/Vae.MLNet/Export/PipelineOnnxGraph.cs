using System.Collections.Immutable;
using Google.Protobuf;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using Onnx;

namespace Vae.MLNet;

/// <summary>
/// Translates a fitted pipeline — ML.NET's preprocessing transforms followed by VAE components — into one ONNX graph
/// whose inputs are the raw columns it reads and whose outputs are the VAE components' columns. It walks the pipeline
/// step by step, keeping for each column of the data view at that step the graph value that holds it. A step it cannot
/// translate exactly is refused with a <see cref="NotSupportedException"/> that names it.
/// </summary>
internal sealed class PipelineOnnxGraph
{
    /// <summary>The outputs of a detector, as <see cref="VaeAnomalyDetectionTransformer.ExportOnnx"/> names them.</summary>
    public const string LatentMeanOutput = VaeOnnxGraph.LatentMean;

    private const string Supported = "TransformerChain, Concatenate, CopyColumns, DropColumns, SelectColumns, ReplaceMissingValues, " +
        "NormalizeMeanVariance, NormalizeMinMax, NormalizeLogMeanVariance, NormalizeRobustScaling, VaeEncode and the VAE anomaly detector";

    private readonly OnnxGraphBuilder _graph = new("vae_pipeline", VaeOnnxGraph.BatchDimension);
    private readonly DataViewSchema _inputSchema;
    // The value each column of the current step holds, by name; a column not here is an input column, untouched so far.
    private readonly Dictionary<string, PipelineColumn> _columns = new();
    private readonly Dictionary<string, PipelineColumn> _inputs = new();
    // The columns the VAE components add, with the graph output each becomes if it reaches the end of the pipeline
    // unchanged; a null column is an output that is no column of the pipeline, always exposed.
    private readonly List<(string? Column, PipelineColumn Value, string Output, ValueInfoProto Declaration)> _vaeColumns = [];
    private DataViewSchema _schema;
    // The metadata of each detector added, by the score column it writes: the file names the threshold of the one exposed.
    private readonly List<(PipelineColumn Score, Dictionary<string, string> Metadata)> _detectors = [];
    private int _step;
    private int _vaeCount;

    private PipelineOnnxGraph(DataViewSchema inputSchema)
    {
        _inputSchema = inputSchema;
        _schema = inputSchema;
    }

    /// <summary>The serialized ONNX model of <paramref name="pipeline"/> over data of <paramref name="inputSchema"/>.</summary>
    /// <exception cref="NotSupportedException">A step has no exact ONNX translation here, or no VAE column reaches the pipeline's end.</exception>
    public static byte[] Build(ITransformer pipeline, DataViewSchema inputSchema)
    {
        var builder = new PipelineOnnxGraph(inputSchema);
        builder.Add(pipeline);
        return builder.Finish();
    }

    private void Add(ITransformer transformer)
    {
        if (transformer is IEnumerable<ITransformer> chain)
        {
            foreach (var step in chain)
                Add(step);
            return;
        }
        _step++;
        // ML.NET checks that the step accepts the columns it is given, with its own messages, before any translation.
        var output = transformer.GetOutputSchema(_schema);
        switch (transformer)
        {
            case ColumnConcatenatingTransformer concatenate:
                foreach (var (name, inputs) in TransformInternals.Concatenations(concatenate))
                {
                    var parts = inputs.Select(input => Read(input, transformer)).ToArray();
                    _columns[name] = new PipelineColumn(PreprocessingNodes.Concatenate(_graph, parts.Select(p => p.Value).ToArray()), parts.Sum(p => p.Width));
                }
                break;
            case ColumnCopyingTransformer copy:
                // Resolved before assigning, so that a swap of two names reads the values before either changes.
                foreach (var (name, value) in TransformInternals.ColumnPairs(copy).Select(p => (p.Output, Read(p.Input, transformer, copying: true))).ToArray())
                    _columns[name] = value;
                break;
            case ColumnSelectingTransformer:
                // Drops columns only; the output schema says which remain.
                break;
            case NormalizingTransformer normalizer:
                AddNormalizer(normalizer);
                break;
            case MissingValueReplacingTransformer replace:
                var pairs = TransformInternals.ColumnPairs(replace);
                for (int i = 0; i < pairs.Length; i++)
                {
                    var input = Read(pairs[i].Input, transformer);
                    var replacement = TransformInternals.ReplacementValue(replace, i) switch
                    {
                        float one => [one],
                        float[] perSlot => perSlot,
                        var other => throw Refuse(transformer, $"its replacement for '{pairs[i].Input}' is a {other.GetType().Name}, not Single values"),
                    };
                    _columns[pairs[i].Output] = input with { Value = PreprocessingNodes.ReplaceMissing(_graph, ParameterName(pairs[i].Output), input.Value, replacement) };
                }
                break;
            case VaeEncodeTransformer encode:
                AddEncoder(encode);
                break;
            case VaeAnomalyDetectionTransformer detector:
                AddDetector(detector);
                break;
            default:
                throw Refuse(transformer, "it has no ONNX translation here");
        }
        // A fitted step declares the sizes it was fitted on, whatever it is given (a normalizer fitted on 21 slots
        // accepts 20 and declares 21): a value of another width would make a file ONNX Runtime refuses to load.
        foreach (var (name, column) in _columns)
            if (!column.FromVae && output.GetColumnOrNull(name)?.Type is { } type && (type is VectorDataViewType vector ? vector.Size : 1) is var declared
                && declared != column.Width)
                throw new ArgumentException(
                    $"The input schema does not fit the pipeline: its step {_step}, {DisplayName(transformer.GetType())}, was fitted for {declared} values " +
                    $"of '{name}', but the schema gives it {column.Width}. Export with the schema of the data the pipeline was fitted on.", "inputSchema");
        _schema = output;
        foreach (var name in _columns.Keys.Where(name => output.GetColumnOrNull(name) is null).ToArray())
            _columns.Remove(name);
    }

    private void AddNormalizer(NormalizingTransformer normalizer)
    {
        var pairs = TransformInternals.ColumnPairs(normalizer);
        for (int i = 0; i < pairs.Length; i++)
        {
            var (name, inputName) = pairs[i];
            var input = Read(inputName, normalizer);
            string parameters = ParameterName(name);
            string value = normalizer.GetNormalizerModelParameters(i) switch
            {
                NormalizingTransformer.AffineNormalizerModelParameters<float> affine =>
                    PreprocessingNodes.Affine(_graph, parameters, input.Value, [affine.Scale], [affine.Offset]),
                NormalizingTransformer.AffineNormalizerModelParameters<ImmutableArray<float>> affine =>
                    PreprocessingNodes.Affine(_graph, parameters, input.Value, [.. affine.Scale], PerSlot(affine.Offset, input.Width)),
                NormalizingTransformer.CdfNormalizerModelParameters<float> cdf when cdf.StandardDeviation > float.Epsilon =>
                    PreprocessingNodes.Cdf(_graph, parameters, input.Value, [cdf.Mean], [cdf.StandardDeviation], cdf.UseLog),
                NormalizingTransformer.CdfNormalizerModelParameters<float> =>
                    throw Refuse(normalizer, $"it learned a standard deviation of 0 for '{inputName}' (a constant column), for which ML.NET's CDF has no value"),
                NormalizingTransformer.CdfNormalizerModelParameters<ImmutableArray<float>> cdf =>
                    PreprocessingNodes.Cdf(_graph, parameters, input.Value, [.. cdf.Mean], [.. cdf.StandardDeviation], cdf.UseLog),
                var other => throw Refuse(normalizer, $"its parameters for '{inputName}' are {DisplayName(other.GetType())} (binning normalizers are not translated)"),
            };
            _columns[name] = input with { Value = value };
        }
    }

    /// <summary>Per-slot offsets; a normalizer fitted with fixZero stores none, which means 0 for every slot.</summary>
    private static float[] PerSlot(ImmutableArray<float> offsets, int width) => offsets.IsDefaultOrEmpty ? new float[width] : [.. offsets];

    private void AddEncoder(VaeEncodeTransformer encode)
    {
        if (encode.SampleColumnName != null)
            throw Refuse(encode, $"its sampled-latent column '{encode.SampleColumnName}' depends on the row's position, which an ONNX graph does not see");
        var outputs = new List<(string Value, string Column)> { (VaeOnnxGraph.LatentMean, encode.OutputColumnName) };
        if (encode.LogVarianceColumnName != null)
            outputs.Add((VaeOnnxGraph.LatentLogVariance, encode.LogVarianceColumnName));
        if (encode.ReconstructionColumnName != null)
            outputs.Add((VaeOnnxGraph.Reconstruction, encode.ReconstructionColumnName));
        // The encoder's columns become graph outputs of their own names.
        AddVae(encode, new VaeGraphOptions { Outputs = [.. outputs.Select(o => (o.Value, o.Value))] },
            outputs.Select(o => (o.Value, (string?)o.Column, o.Column)).ToArray());
    }

    private void AddDetector(VaeAnomalyDetectionTransformer detector)
    {
        // The detector's columns become the outputs ExportOnnx gives a detector; the latent mean joins them, as what
        // a featurizer downstream of the detector would read.
        var outputs = new List<(string Value, string Column, string Output)>
        {
            (VaeOnnxGraph.Score, VaeAnomalyDetectionTransformer.ScoreColumnName, VaeOnnxGraph.Score),
            (VaeOnnxGraph.PredictedLabel, VaeAnomalyDetectionTransformer.PredictedLabelColumnName, VaeOnnxGraph.PredictedLabel),
        };
        if (detector.HasPValueColumn)
            outputs.Add((VaeOnnxGraph.PValueOutput, VaeAnomalyDetectionTransformer.PValueColumnName, VaeOnnxGraph.PValueOutput));
        if (detector.FeatureErrorColumnName != null)
            outputs.Add((VaeOnnxGraph.FeatureError, detector.FeatureErrorColumnName, VaeOnnxGraph.FeatureError));
        var options = new VaeGraphOptions
        {
            Outputs = [(VaeOnnxGraph.LatentMean, VaeOnnxGraph.LatentMean), (VaeOnnxGraph.Score, VaeOnnxGraph.Score),
                .. detector.FeatureErrorColumnName != null ? [(VaeOnnxGraph.FeatureError, VaeOnnxGraph.FeatureError)] : Array.Empty<(string, string)>()],
            Label = (VaeOnnxGraph.PredictedLabel, detector.Threshold),
            PValue = detector.HasPValueColumn ? (VaeOnnxGraph.PValueOutput, detector.Calibration!) : null,
            Scoring = detector.Scoring,
        };
        // The latent mean is no column of the pipeline, and always exposed.
        AddVae(detector, options, [.. outputs, (VaeOnnxGraph.LatentMean, null, LatentMeanOutput)]);
        _detectors.Add((_columns[VaeAnomalyDetectionTransformer.ScoreColumnName], detector.ThresholdMetadata()));
    }

    /// <summary>
    /// Adds the scoring graph of <paramref name="component"/> reading the value of its feature column, and records its
    /// <paramref name="columns"/>: (graph output of the VAE graph, pipeline column, output name of the exported graph).
    /// </summary>
    private void AddVae(VaeTransformerBase component, VaeGraphOptions options, IReadOnlyList<(string Value, string? Column, string Output)> columns)
    {
        // The exported graph reads Single columns; Boolean and key columns would need inputs of their own types.
        if (!component.Model.InputLayout.IsSingleReal)
            throw new NotSupportedException(
                $"The pipeline's VAE reads mixed columns ({string.Join(", ", component.InputColumnNames.Select(n => $"'{n}'"))}), which its ONNX export does not " +
                "translate yet. Save the pipeline with mlContext.Model.Save, or export the model alone (VaeModel.ExportOnnx), which reads its model-space cells.");
        var features = Read(component.InputColumnName, component, vaeInputWidth: component.Model.InputDimension);
        var vae = ModelProto.Parser.ParseFrom(VaeOnnxGraph.Build(component.Model, options with { InputName = VaeOnnxGraph.Features }));
        var outputs = _graph.AddSubgraph(vae.Graph, $"vae{_vaeCount++}/", new Dictionary<string, string> { [VaeOnnxGraph.Features] = features.Value });
        foreach (var (value, column, output) in columns)
        {
            var (graphValue, declaration) = outputs[value];
            // The vectors of Single another VAE may read: [N, k] codes and [N, D] reconstructions.
            int width = value is VaeOnnxGraph.LatentMean or VaeOnnxGraph.LatentLogVariance ? component.Model.LatentDimension
                : value == VaeOnnxGraph.Reconstruction ? component.Model.InputDimension : 0;
            var added = new PipelineColumn(graphValue, width, FromVae: true);
            if (column != null)
                _columns[column] = added;
            _vaeColumns.Add((column, added, output, declaration));
        }
    }

    /// <summary>
    /// The value of column <paramref name="name"/>, read by <paramref name="reader"/>: the one a previous step wrote,
    /// or a graph input for a column of the input data, [N, width] for a vector of Single and [N, 1] for a Single. A
    /// column a VAE component wrote, whose shape the preprocessing steps do not expect, may be read by a copy, and by a
    /// VAE component (<paramref name="vaeInputWidth"/>: the width it reads) when it is a vector of that width (the
    /// codes of a <c>VaeEncode</c> before a detector trained on them).
    /// </summary>
    private PipelineColumn Read(string name, ITransformer reader, bool copying = false, int? vaeInputWidth = null)
    {
        if (_columns.TryGetValue(name, out var column))
            return column.FromVae && !copying && !(column.Width > 0 && column.Width == vaeInputWidth)
                ? throw Refuse(reader, $"it reads '{name}', a column a VAE component adds; only CopyColumns, DropColumns, SelectColumns " +
                    "and a VAE component reading codes or reconstructions may follow those")
                : column;
        if (_inputs.TryGetValue(name, out var input))
            return input;
        var type = _inputSchema.GetColumnOrNull(name)?.Type
            ?? throw Refuse(reader, $"it reads '{name}', which is neither an input column nor one an earlier step wrote");
        int width = type switch
        {
            NumberDataViewType n when n == NumberDataViewType.Single => 1,
            VectorDataViewType { ItemType: NumberDataViewType n, Size: > 0 } vector when n == NumberDataViewType.Single => vector.Size,
            _ => throw Refuse(reader, $"it reads the input column '{name}' of type {type}; the exported graph reads columns of Single or known-size vectors of Single"),
        };
        return _inputs[name] = new PipelineColumn(_graph.AddInput(name, width), width);
    }

    private byte[] Finish()
    {
        var exposed = _vaeColumns.Where(c => c.Column is null || (_columns.TryGetValue(c.Column, out var current) && ReferenceEquals(current, c.Value))).ToArray();
        if (exposed.Length == 0)
            throw new NotSupportedException(
                "The pipeline cannot be exported to ONNX: it has no VAE component (VaeEncode or the VAE anomaly detector) whose columns reach its end.");
        foreach (var clash in exposed.Select(c => c.Output).Concat(_inputs.Keys).GroupBy(n => n).Where(g => g.Count() > 1))
            throw new NotSupportedException(
                $"The pipeline cannot be exported to ONNX: two of the graph's inputs and outputs would be named '{clash.Key}' " +
                "(an ONNX graph names each once). Rename the input column or the VaeEncode output column, or keep one VAE anomaly detector.");
        foreach (var (_, value, output, declaration) in exposed)
            _graph.AddOutput(value.Value, output, declaration);
        // At most one detector's score is exposed (two would clash on its name above).
        foreach (var (_, metadata) in _detectors.Where(d => exposed.Any(c => ReferenceEquals(c.Value, d.Score))))
            foreach (var (key, value) in metadata)
                _graph.SetMetadata(key, value);
        return _graph.ToModelBytes(VaeOnnxGraph.IrVersion, VaeOnnxGraph.OpsetVersion, "Vae.MLNet");
    }

    /// <summary>A prefix for the parameters of the step that writes <paramref name="column"/>, unique in the graph.</summary>
    private string ParameterName(string column) => $"step{_step}.{column}";

    private NotSupportedException Refuse(ITransformer transformer, string reason) =>
        new($"The pipeline cannot be exported to ONNX: its step {_step}, {DisplayName(transformer.GetType())}, cannot be translated exactly: {reason}. " +
            $"The export translates {Supported}.");

    /// <summary>A type's name as C# writes it, e.g. <c>CustomMappingTransformer&lt;Input, Output&gt;</c>.</summary>
    private static string DisplayName(Type type) => !type.IsGenericType ? type.Name
        : $"{type.Name[..type.Name.IndexOf('`')]}<{string.Join(", ", type.GetGenericArguments().Select(DisplayName))}>";
}
