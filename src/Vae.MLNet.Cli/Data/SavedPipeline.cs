using System.Collections.Immutable;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace Vae.MLNet.Cli;

/// <summary>
/// A pipeline zip written by <c>mlContext.Model.Save</c> (e.g. by <c>vae-mlnet demo</c>), loaded with the batched VAE
/// transformers, with what the CLI needs from it: the VAE, the normalizer in front of it, and the feature names.
/// </summary>
internal sealed class SavedPipeline
{
    private SavedPipeline(ITransformer[] steps, DataViewSchema inputSchema, int vaeIndex)
    {
        Steps = steps;
        InputSchema = inputSchema;
        VaeIndex = vaeIndex;
    }

    public ITransformer[] Steps { get; }

    public DataViewSchema InputSchema { get; }

    /// <summary>Where the (first) VAE transformer stands in <see cref="Steps"/>.</summary>
    public int VaeIndex { get; }

    public VaeTransformerBase Vae => (VaeTransformerBase)Steps[VaeIndex];

    public static SavedPipeline Load(MLContext ml, string path)
    {
        InputFile.CheckReadable(path);
        ITransformer model;
        DataViewSchema schema;
        try
        {
            model = ml.Model.LoadWithBatchedScoring(path, out schema);
        }
        catch (Exception error) when (error is InvalidDataException or IOException)
        {
            throw new CliException($"{path}: not a readable model zip ({error.Message}).");
        }
        var steps = model is IEnumerable<ITransformer> chain ? chain.ToArray() : [model];
        int index = Array.FindIndex(steps, step => step is VaeTransformerBase);
        if (index < 0)
            throw new CliException($"{path}: the pipeline holds no VAE featurizer or detector.");
        return new SavedPipeline(steps, schema, index);
    }

    /// <summary>The names of the VAE's input slots: the slot names the loader recorded, else f0, f1, ….</summary>
    public string[] FeatureNames() =>
        RecordedFeatureNames() ?? Enumerable.Range(0, Vae.Model.InputDimension).Select(j => $"f{j}").ToArray();

    /// <summary>The slot names the loader recorded for the VAE's input, or null if it recorded none.</summary>
    public string[]? RecordedFeatureNames()
    {
        var column = InputSchema.GetColumnOrNull(Vae.FeatureColumnName);
        if (column is not { } c || !c.HasSlotNames())
            return null;
        var names = default(VBuffer<ReadOnlyMemory<char>>);
        c.GetSlotNames(ref names);
        return names.DenseValues().Select(n => n.ToString()).ToArray();
    }

    /// <summary>
    /// Rows in the VAE's units mapped back to the data's units through the affine normalizer just before the VAE,
    /// when there is one: x = x' / scale + offset.
    /// </summary>
    public float[][] ToDataUnits(float[][] rows)
    {
        if (VaeIndex == 0 || Steps[VaeIndex - 1] is not NormalizingTransformer normalizer
            || normalizer.GetNormalizerModelParameters(0) is not NormalizingTransformer.AffineNormalizerModelParameters<ImmutableArray<float>> affine)
            return rows;
        return rows.Select(row => row.Select((value, j) =>
            (affine.Scale[j] == 0 ? 0 : value / affine.Scale[j]) + (affine.Offset.IsDefaultOrEmpty ? 0 : affine.Offset[j])).ToArray()).ToArray();
    }
}
