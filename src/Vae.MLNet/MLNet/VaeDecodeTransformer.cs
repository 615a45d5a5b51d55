using Microsoft.ML;

namespace Vae.MLNet;

/// <summary>
/// The VAE's decoder as a transform: reads a latent column (a vector of <see cref="VaeModel.LatentDimension"/>
/// Singles, e.g. the featurizer's output, an edited or interpolated code, or a draw from the prior) and adds its
/// reconstruction, a vector of <see cref="VaeModel.InputDimension"/> Singles (the decoder mean; for a Bernoulli
/// likelihood, the probabilities).
/// </summary>
public sealed class VaeDecodeTransformer : VaeTransformerBase
{
    private readonly VaeOutputColumn[] _outputColumns;

    /// <summary>Creates the decoder transform from a trained model.</summary>
    /// <param name="model">The trained VAE.</param>
    /// <param name="outputColumnName">The reconstruction column.</param>
    /// <param name="inputColumnName">The latent column: a known-size vector of Single with <see cref="VaeModel.LatentDimension"/> slots.</param>
    public VaeDecodeTransformer(VaeModel model, string outputColumnName, string inputColumnName)
        : base(model, inputColumnName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputColumnName);
        OutputColumnName = outputColumnName;
        _outputColumns = [VaeOutputColumn.Vector(outputColumnName, VaeOutputs.Reconstruction, model.InputDimension)];
    }

    /// <summary>The reconstruction column.</summary>
    public string OutputColumnName { get; }

    internal override VaeInputLayout InputLayout => VaeInputLayout.Real(Model.LatentDimension, InputColumnName);

    /// <summary>A reader of latent codes, which have no missing values, whatever the features may have.</summary>
    internal override FeatureRowReader CreateReader(DataViewRow row) => FeatureRowReader.ForLatentCodes(row, InputColumnName, Model.LatentDimension);

    internal override IReadOnlyList<VaeOutputColumn> OutputColumns => _outputColumns;

    private protected override VaeOnnxScorer CreateScorer() => VaeOnnxScorer.ForDecoder(Model);

    /// <summary>Refuses a decoded row that is not finite, naming the row of its code (<see cref="DecoderOverflow"/>).</summary>
    private protected override void CheckOutputs(VaeScoreBatch batch, int rows, Func<int, long?> positionOf)
    {
        int k = Model.LatentDimension, d = Model.InputDimension;
        for (int row = 0; row < rows; row++)
            if (DecoderOverflow.Check(batch.Features.AsSpan(row * k, k), batch.Reconstruction.AsSpan(row * d, d)) is string why)
            {
                long? position = positionOf(row);
                throw new VaeDataException(InputColumnName, position, $"{FeatureColumn.Where(InputColumnName, position)} {why}");
            }
    }

    internal override (byte[] Graph, string[] Columns) SavedGraph()
    {
        var metadata = new Dictionary<string, string>
        {
            [VaeOnnxMetadata.Kind] = VaeOnnxMetadata.DecodeKind,
            [VaeOnnxMetadata.FeatureColumn] = InputColumnName,
            [VaeOnnxMetadata.ReconstructionColumn] = OutputColumnName,
        };
        return (VaeOnnxGraph.BuildDecoder(Model, SavedInputName, OutputColumnName, perRow: true, metadata), [OutputColumnName]);
    }
}
