namespace Vae.MLNet;

/// <summary>
/// One caller's reusable buffers for <see cref="VaeOnnxScorer.Run"/>: the features of up to <see cref="Capacity"/>
/// rows and the requested outputs, all row-major. ONNX Runtime reads and writes these arrays in place, so a scoring
/// loop allocates no per-batch arrays; a batch must not be shared by concurrent runs.
/// </summary>
internal sealed class VaeScoreBatch
{
    /// <summary>A requested output: its graph name, its array, and its row width (null when it has one value per row).</summary>
    internal readonly record struct OutputBuffer(string Name, float[] Values, int? Columns);

    /// <param name="inputDimension">D, the width of the data: reconstructions and per-feature errors.</param>
    /// <param name="latentDimension">k.</param>
    /// <param name="capacity">Rows per run.</param>
    /// <param name="outputs">The outputs to fetch.</param>
    /// <param name="inputWidth">The width of <see cref="Features"/>: D for the scoring graph (default), k for the decoder graph.</param>
    /// <param name="featureSlots">The width of <see cref="FeatureError"/>: the model's feature slots F (<see cref="VaeInputLayout.Features"/>); default D.</param>
    /// <param name="reconstructionWidth">The width of <see cref="Reconstruction"/>: default D; F for the imputer of mixed columns, which fills slots.</param>
    public VaeScoreBatch(int inputDimension, int latentDimension, int capacity, VaeOutputs outputs, int? inputWidth = null, int? featureSlots = null,
        int? reconstructionWidth = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputDimension, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(latentDimension, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        if (outputs == VaeOutputs.None || (outputs & ~VaeOutputs.All) != 0)
            throw new ArgumentOutOfRangeException(nameof(outputs), outputs, "Request at least one output, and only known ones.");

        InputDimension = inputDimension;
        LatentDimension = latentDimension;
        Capacity = capacity;
        Outputs = outputs;
        InputWidth = inputWidth ?? inputDimension;
        Features = new float[capacity * InputWidth];

        var buffers = new List<OutputBuffer>();
        float[] Allocate(VaeOutputs output, string name, int? columns)
        {
            if (!outputs.HasFlag(output))
                return [];
            var values = new float[capacity * (columns ?? 1)];
            buffers.Add(new OutputBuffer(name, values, columns));
            return values;
        }

        LatentMean = Allocate(VaeOutputs.LatentMean, VaeOnnxGraph.LatentMean, latentDimension);
        LatentLogVariance = Allocate(VaeOutputs.LatentLogVariance, VaeOnnxGraph.LatentLogVariance, latentDimension);
        Reconstruction = Allocate(VaeOutputs.Reconstruction, VaeOnnxGraph.Reconstruction, reconstructionWidth ?? inputDimension);
        FeatureError = Allocate(VaeOutputs.FeatureError, VaeOnnxGraph.FeatureError, featureSlots ?? inputDimension);
        ReconstructionError = Allocate(VaeOutputs.ReconstructionError, VaeOnnxGraph.ReconstructionError, null);
        KlDivergence = Allocate(VaeOutputs.KlDivergence, VaeOnnxGraph.KlDivergence, null);
        Score = Allocate(VaeOutputs.Score, VaeOnnxGraph.Score, null);
        Buffers = buffers;
        OutputNames = buffers.Select(buffer => buffer.Name).ToArray();
    }

    public int InputDimension { get; }

    public int LatentDimension { get; }

    /// <summary>Values per row of <see cref="Features"/>.</summary>
    public int InputWidth { get; }

    /// <summary>The most rows one run can score.</summary>
    public int Capacity { get; }

    public VaeOutputs Outputs { get; }

    /// <summary>Input, [Capacity, InputWidth]; fill the first rows before a run.</summary>
    public float[] Features { get; }

    /// <summary>[Capacity, LatentDimension], or empty when not requested; likewise for every output below.</summary>
    public float[] LatentMean { get; }

    public float[] LatentLogVariance { get; }

    /// <summary>[Capacity, InputDimension]; for the imputer of mixed columns, the filled slots, [Capacity, F].</summary>
    public float[] Reconstruction { get; }

    /// <summary>[Capacity, F], one value per feature slot (F = D for a model of one real column).</summary>
    public float[] FeatureError { get; }

    /// <summary>[Capacity].</summary>
    public float[] ReconstructionError { get; }

    /// <summary>[Capacity].</summary>
    public float[] KlDivergence { get; }

    /// <summary>[Capacity].</summary>
    public float[] Score { get; }

    /// <summary>The array of one requested output.</summary>
    public float[] Output(VaeOutputs output) => output switch
    {
        VaeOutputs.LatentMean => LatentMean,
        VaeOutputs.LatentLogVariance => LatentLogVariance,
        VaeOutputs.Reconstruction => Reconstruction,
        VaeOutputs.FeatureError => FeatureError,
        VaeOutputs.ReconstructionError => ReconstructionError,
        VaeOutputs.KlDivergence => KlDivergence,
        VaeOutputs.Score => Score,
        _ => throw new ArgumentOutOfRangeException(nameof(output), output, "Name exactly one output."),
    };

    /// <summary>The requested outputs, in the order of <see cref="OutputNames"/>.</summary>
    internal IReadOnlyList<OutputBuffer> Buffers { get; }

    internal string[] OutputNames { get; }
}
