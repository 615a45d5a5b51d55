namespace Vae.MLNet;

/// <summary>
/// The VAE imputer: adds a copy of the feature vector whose missing (NaN) cells hold the model's conditional estimate
/// given the row's observed cells, MIWAE's importance-weighted conditional mean over <see cref="Samples"/> seeded
/// latent draws (<see cref="VaeImputeGraph"/>); observed cells are kept exactly. Needs a model trained with
/// <see cref="VaeMissingValues.Model"/> on one column of Single features (not mixed columns).
/// </summary>
public sealed class VaeImputeTransformer : VaeTransformerBase
{
    /// <summary>
    /// Latent draws per row by default: 50, MIWAE's order of magnitude: enough draws that the self-normalized weights are
    /// not dominated by one, while the cost, one decoder pass per draw and row, stays that of a small batch.
    /// </summary>
    public const int DefaultSamples = 50;

    private readonly VaeOutputColumn[] _outputColumns;

    /// <summary>Creates the imputer from a trained model.</summary>
    /// <param name="model">A VAE trained with <see cref="VaeMissingValues.Model"/>.</param>
    /// <param name="outputColumnName">The filled features: a vector of <see cref="VaeModel.InputDimension"/> Singles.</param>
    /// <param name="inputColumnName">The features, NaN where a cell is missing; may be <paramref name="outputColumnName"/> to fill in place.</param>
    /// <param name="samples">Latent draws per row, at least 1.</param>
    /// <param name="seed">Seed of the draws, which are the same for every row.</param>
    public VaeImputeTransformer(VaeModel model, string outputColumnName, string inputColumnName, int samples = DefaultSamples, int seed = 0)
        : base(model, inputColumnName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputColumnName);
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        if (model.MissingValues != VaeMissingValues.Model)
            throw new ArgumentException(
                $"Imputation needs a model trained with MissingValues = {nameof(VaeMissingValues.Model)}; this one was trained with {model.MissingValues}.", nameof(model));
        if (!model.InputLayout.IsSingleReal)
            throw new NotSupportedException(
                $"Imputation fills one column of Single features; this model reads mixed columns ({model.InputLayout}). Train the imputer on the real-valued column alone.");
        OutputColumnName = outputColumnName;
        Samples = samples;
        Seed = seed;
        _outputColumns = [VaeOutputColumn.Vector(outputColumnName, VaeOutputs.Reconstruction, model.InputDimension)];
    }

    /// <summary>The filled features.</summary>
    public string OutputColumnName { get; }

    /// <summary>Latent draws per row.</summary>
    public int Samples { get; }

    /// <summary>Seed of the draws.</summary>
    public int Seed { get; }

    internal override IReadOnlyList<VaeOutputColumn> OutputColumns => _outputColumns;

    private protected override VaeOnnxScorer CreateScorer() => VaeOnnxScorer.ForImputer(Model, Samples, Seed);

    internal override (byte[] Graph, string[] Columns) SavedGraph()
    {
        var metadata = new Dictionary<string, string>
        {
            [VaeOnnxMetadata.Kind] = VaeOnnxMetadata.ImputeKind,
            [VaeOnnxMetadata.FeatureColumn] = InputColumnName,
            [VaeOnnxMetadata.ReconstructionColumn] = OutputColumnName,
            [VaeOnnxMetadata.ScoreSamples] = Samples.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [VaeOnnxMetadata.ScoreSeed] = Seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        return (VaeImputeGraph.Build(Model, Samples, Seed, SavedInputName, OutputColumnName, perRow: true, metadata), [OutputColumnName]);
    }
}
