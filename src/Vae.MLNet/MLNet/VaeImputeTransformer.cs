using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.MLNet;

/// <summary>
/// The VAE imputer: adds a copy of the feature vector whose missing (NaN) cells hold the model's conditional estimate
/// given the row's observed cells, MIWAE's importance-weighted conditional mean over <see cref="Samples"/> seeded
/// latent draws (<see cref="VaeImputeGraph"/>); observed cells are kept exactly. Needs a model trained with
/// <see cref="VaeMissingValues.Model"/>.
/// </summary>
/// <remarks>
/// A model of mixed columns (<see cref="VaeModel.InputLayout"/>) fills every column it reads: the main one into
/// <see cref="OutputColumnName"/>, in the main column's type, and each other real or key column in place, under its
/// own name and type, the new column hiding the old one as ML.NET's transformers do. A missing real value (NaN) gets
/// the conditional mean, a missing key (0) its most probable category under the importance-weighted posterior
/// predictive (the largest of the weighted average of the decoder's softmax over the draws). Boolean columns have no
/// missing value in ML.NET: other Boolean columns pass through untouched, and a Boolean main column is refused.
/// </remarks>
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
    /// <param name="outputColumnName">
    /// The filled features: a vector of <see cref="VaeModel.InputDimension"/> Singles; for mixed columns, of the main
    /// column's type.
    /// </param>
    /// <param name="inputColumnName">The features, NaN where a cell is missing; may be <paramref name="outputColumnName"/> to fill in place.</param>
    /// <param name="samples">Latent draws per row, 1 to <see cref="VaeScoring.MaximumSamples"/>.</param>
    /// <param name="seed">Seed of the draws, which are the same for every row.</param>
    public VaeImputeTransformer(VaeModel model, string outputColumnName, string inputColumnName, int samples = DefaultSamples, int seed = 0)
        : base(model, inputColumnName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputColumnName);
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(samples, VaeScoring.MaximumSamples);
        if (model.MissingValues != VaeMissingValues.Model)
            throw new ArgumentException(
                $"Imputation needs a model trained with MissingValues = {nameof(VaeMissingValues.Model)}; this one was trained with {model.MissingValues}.", nameof(model));
        CheckMainColumn(model.InputLayout, inputColumnName);
        OutputColumnName = outputColumnName;
        Samples = samples;
        Seed = seed;
        var layout = model.InputLayout;
        _outputColumns = layout.IsSingleReal
            ? [VaeOutputColumn.Vector(outputColumnName, VaeOutputs.Reconstruction, model.InputDimension)]
            : [new ImputedColumn(outputColumnName, inputColumnName, layout, 0),
                .. FilledColumns(layout).Select(i => new ImputedColumn(layout.Columns[i].Name, layout.Columns[i].Name, layout, i))];
    }

    /// <summary>Refuses a Boolean main column, which has no missing value to fill.</summary>
    internal static void CheckMainColumn(VaeInputLayout layout, string inputColumnName)
    {
        if (layout.Columns[0].Kind == VaeInputKind.Binary)
            throw new ArgumentException(
                $"The imputer's input column '{inputColumnName}' is Boolean, which has no missing value in ML.NET, so there is nothing to fill: " +
                "make a Single or key column the input column and list the Boolean ones in AdditionalFeatureColumnNames.", nameof(inputColumnName));
    }

    /// <summary>The filled slots of a row: D, or F for mixed columns.</summary>
    private protected override int ReconstructionWidth => Model.InputLayout.Features;

    /// <summary>The model's other columns this imputer fills in place: real and key columns, not Boolean ones.</summary>
    private static IEnumerable<int> FilledColumns(VaeInputLayout layout) =>
        Enumerable.Range(1, layout.Columns.Count - 1).Where(i => layout.Columns[i].Kind != VaeInputKind.Binary);

    /// <summary>The filled features.</summary>
    public string OutputColumnName { get; }

    /// <summary>Latent draws per row.</summary>
    public int Samples { get; }

    /// <summary>Seed of the draws.</summary>
    public int Seed { get; }

    internal override IReadOnlyList<VaeOutputColumn> OutputColumns => _outputColumns;

    private protected override VaeOnnxScorer CreateScorer() => VaeOnnxScorer.ForImputer(Model, Samples, Seed);

    // Every draw of every row of a run is held at once; the draws are the same for every row.
    internal override int RowsPerRun => VaeScoring.RowsPerRun(DefaultBatchSize, Samples);

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
        if (Model.InputLayout.IsSingleReal)
            return (VaeImputeGraph.Build(Model, Samples, Seed, SavedInputName, OutputColumnName, perRow: true, metadata), [OutputColumnName]);
        var outputs = GraphOutputs();
        return (VaeImputeGraph.Build(Model, Samples, Seed, SavedInputName, OutputColumnName, perRow: true, metadata, outputs, keysAsZeroBlocks: true),
            outputs.Select(o => o.Name).ToArray());
    }

    /// <summary>
    /// For mixed columns, the graph's outputs (column of the layout, name): the filled slots of the main column and of each
    /// filled column, as Single vectors under a temporary name each, which <see cref="ToSaveable"/>'s glue turns into the
    /// columns' own names and types.
    /// </summary>
    private (int Column, string Name)[] GraphOutputs() =>
        [(0, $"{OutputColumnName}.VaeImputed"), .. FilledColumns(Model.InputLayout).Select(i => (i, $"{Model.InputLayout.Columns[i].Name}.VaeImputed"))];

    private protected override string[] GraphColumnsInOrder(string[] graphColumns) =>
        Model.InputLayout.IsSingleReal ? base.GraphColumnsInOrder(graphColumns) : graphColumns;

    /// <summary>
    /// For mixed columns, the OnnxTransformer followed by ML.NET's glue that gives each graph output its column's name
    /// and type (<see cref="ImputedSlotsMapping"/>), then drops the graph's outputs.
    /// </summary>
    private protected override ITransformer ToSaveable(MLContext ml)
    {
        var onnx = ToOnnxTransformer(ml);
        if (Model.InputLayout.IsSingleReal)
            return onnx;
        IDataView data = onnx.Transform(EmptyInput(ml));
        var steps = new List<ITransformer> { onnx };
        var outputs = GraphOutputs();
        var temporaries = new HashSet<string>(outputs.Select(o => o.Name));
        for (int o = 0; o < outputs.Length; o++)
            steps.AddRange(ImputedSlotsMapping.Steps(ml, _outputColumns[o].Name, outputs[o].Name, Model.InputLayout.Columns[outputs[o].Column], temporaries, data, out data));
        var drop = ml.Transforms.DropColumns([.. temporaries.Order(StringComparer.Ordinal)]).Fit(data);
        return new TransformerChain<ITransformer>([.. steps, drop]);
    }
}
