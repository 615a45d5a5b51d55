namespace Vae.MLNet;

/// <summary>
/// The VAE featurizer: adds the encoder's posterior mean μ(x) as a known-size vector column, and on request the
/// posterior log-variance log σ²(x) and a seeded sample z = μ + σ ⊙ ε.
/// </summary>
public sealed class VaeEncodeTransformer : VaeTransformerBase
{
    private readonly VaeOutputColumn[] _outputColumns;

    /// <summary>Creates the featurizer from a trained model.</summary>
    /// <param name="model">The trained VAE.</param>
    /// <param name="outputColumnName">Column for μ(x): a vector of Single with <see cref="VaeModel.LatentDimension"/> slots.</param>
    /// <param name="inputColumnName">The features: a known-size vector of Single with <see cref="VaeModel.InputDimension"/> slots.</param>
    /// <param name="logVarianceColumnName">If set, a column for log σ²(x), same size as the latent mean.</param>
    /// <param name="sampleColumnName">If set, a column for a draw z ~ q(z|x), same size as the latent mean.</param>
    /// <param name="sampleSeed">Seed of the draws: the same seed and row position give the same z.</param>
    /// <param name="reconstructionColumnName">If set, a column for the decoder's output at z = μ(x): a vector of
    /// <see cref="VaeModel.InputDimension"/> slots (the mean, or probabilities for a Bernoulli likelihood).</param>
    public VaeEncodeTransformer(VaeModel model, string outputColumnName, string inputColumnName,
        string? logVarianceColumnName = null, string? sampleColumnName = null, int sampleSeed = 0, string? reconstructionColumnName = null)
        : base(model, inputColumnName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputColumnName);
        CheckColumnNames(outputColumnName, logVarianceColumnName, sampleColumnName, reconstructionColumnName);
        OutputColumnName = outputColumnName;
        LogVarianceColumnName = logVarianceColumnName;
        SampleColumnName = sampleColumnName;
        SampleSeed = sampleSeed;
        ReconstructionColumnName = reconstructionColumnName;
        var columns = new List<VaeOutputColumn> { VaeOutputColumn.Vector(outputColumnName, VaeOutputs.LatentMean, model.LatentDimension) };
        if (logVarianceColumnName != null)
            columns.Add(VaeOutputColumn.Vector(logVarianceColumnName, VaeOutputs.LatentLogVariance, model.LatentDimension));
        if (sampleColumnName != null)
            columns.Add(new SampledLatentColumn(sampleColumnName, model.LatentDimension, sampleSeed));
        if (reconstructionColumnName != null)
            columns.Add(VaeOutputColumn.Vector(reconstructionColumnName, VaeOutputs.Reconstruction, model.InputDimension));
        _outputColumns = columns.ToArray();
    }

    /// <summary>The latent-mean column.</summary>
    public string OutputColumnName { get; }

    /// <summary>The log-variance column, if requested.</summary>
    public string? LogVarianceColumnName { get; }

    /// <summary>The sampled-latent column, if requested.</summary>
    public string? SampleColumnName { get; }

    /// <summary>Seed of the sampled latent vectors.</summary>
    public int SampleSeed { get; }

    /// <summary>The reconstruction column, if requested.</summary>
    public string? ReconstructionColumnName { get; }

    internal override IReadOnlyList<VaeOutputColumn> OutputColumns => _outputColumns;

    /// <summary>Throws when two of the featurizer's columns share a name; the estimator checks its options with it before training.</summary>
    internal static void CheckColumnNames(string outputColumnName, string? logVarianceColumnName, string? sampleColumnName, string? reconstructionColumnName) =>
        AddedColumnNames.CheckDistinct((nameof(OutputColumnName), outputColumnName), (nameof(LogVarianceColumnName), logVarianceColumnName),
            (nameof(SampleColumnName), sampleColumnName), (nameof(ReconstructionColumnName), reconstructionColumnName));

    internal override (byte[] Graph, string[] Columns) SavedGraph()
    {
        // A draw keyed by row position cannot be expressed in the ONNX graph, and ML.NET's CustomMapping loses
        // vector sizes on reload, so a saved featurizer keeps only its deterministic columns.
        if (SampleColumnName != null)
            throw new NotSupportedException(
                $"A featurizer with a sampled-latent column ('{SampleColumnName}') cannot be saved with mlContext.Model.Save: " +
                "the draw depends on the row's position, which an ONNX graph does not see. Train it without SampleColumnName " +
                "and draw z = μ + σ·ε from the latent mean and log-variance columns.");
        var metadata = new Dictionary<string, string>
        {
            [VaeOnnxMetadata.Kind] = VaeOnnxMetadata.EncodeKind,
            [VaeOnnxMetadata.LatentColumn] = OutputColumnName,
        };
        var outputs = new List<(string, string)> { (VaeOnnxGraph.LatentMean, OutputColumnName) };
        if (LogVarianceColumnName != null)
        {
            outputs.Add((VaeOnnxGraph.LatentLogVariance, LogVarianceColumnName));
            metadata[VaeOnnxMetadata.LogVarianceColumn] = LogVarianceColumnName;
        }
        if (ReconstructionColumnName != null)
        {
            outputs.Add((VaeOnnxGraph.Reconstruction, ReconstructionColumnName));
            metadata[VaeOnnxMetadata.ReconstructionColumn] = ReconstructionColumnName;
        }
        return ScoringGraph(outputs, null, metadata);
    }
}
