using System.Collections.Frozen;
using System.Collections.Immutable;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace Vae.MLNet.Cli;

/// <summary>
/// A pipeline zip written by <c>mlContext.Model.Save</c> (e.g. by <c>vae-mlnet evaluate --save-model</c>), loaded with
/// the batched VAE transformers, with what the CLI needs from it: the columns it reads, the VAE, the normalizers in
/// front of it, and the names of the VAE's input slots.
/// </summary>
internal sealed class SavedPipeline
{
    private readonly string path;
    private readonly ITransformer model;

    private SavedPipeline(string path, ITransformer model, DataViewSchema inputSchema)
    {
        this.path = path;
        this.model = model;
        InputSchema = inputSchema;
        Steps = model is IEnumerable<ITransformer> chain ? chain.ToArray() : [model];
        VaeIndex = Array.FindIndex(Steps, step => step is VaeTransformerBase);
        if (VaeIndex < 0)
            throw new CliException($"{path}: the pipeline holds no VAE featurizer or detector.");
        DetectorIndex = Array.FindLastIndex(Steps, step => step is VaeAnomalyDetectionTransformer);
    }

    public ITransformer[] Steps { get; }

    /// <summary>The input schema saved with the pipeline: the columns of the data it was trained on.</summary>
    public DataViewSchema InputSchema { get; }

    /// <summary>Where the (first) VAE transformer stands in <see cref="Steps"/>.</summary>
    public int VaeIndex { get; }

    public VaeTransformerBase Vae => (VaeTransformerBase)Steps[VaeIndex];

    /// <summary>
    /// Where the last VAE anomaly detector stands in <see cref="Steps"/>, −1 when there is none: the VAE whose score the
    /// pipeline ends with, which may read the latent codes of a featurizer before it (<see cref="FeaturizerBefore"/>).
    /// </summary>
    public int DetectorIndex { get; }

    /// <summary>Whether the VAE was trained with <c>--missing-values Model</c>: an empty or NaN cell is then a missing cell, not an error.</summary>
    public bool ReadsMissingCells => Vae.Model.MissingValues == VaeMissingValues.Model;

    public static SavedPipeline Load(MLContext ml, string path)
    {
        InputFile.CheckReadable(path);
        try
        {
            var model = ml.Model.LoadWithBatchedScoring(path, out var schema);
            return new SavedPipeline(path, model, schema);
        }
        catch (Exception error) when (error is InvalidDataException or IOException)
        {
            throw new CliException($"{path}: not a readable model zip ({error.Message}).");
        }
    }

    /// <summary>
    /// The columns of the saved input schema that the pipeline reads (those without which it cannot run), each with
    /// the CSV columns it is made of: a Single or Boolean column by its own name, a vector by its slot names, a text
    /// column (categorical) by its own name, with the categories of the key the pipeline maps it to in place.
    /// </summary>
    public InputColumn[] InputColumns() => InputSchema.Where(column => !column.IsHidden && IsRead(column)).Select(column => column.Type switch
    {
        NumberDataViewType when column.Type == NumberDataViewType.Single => InputColumn.Scalar(column.Name),
        BooleanDataViewType => InputColumn.Scalar(column.Name, VaeInputKind.Binary),
        TextDataViewType => InputColumn.Scalar(column.Name, VaeInputKind.Categorical, KeyValues(column.Name)),
        VectorDataViewType { ItemType: var item, Size: > 0 } vector when item == NumberDataViewType.Single =>
            new InputColumn(column.Name, SlotNames(column, vector.Size) ?? new string[vector.Size].Select(_ => "").ToArray(), IsVector: true),
        _ => throw new CliException($"{path}: the pipeline reads the column '{column.Name}' of type {column.Type}; the CLI reads Single numbers, known-size vectors of them, " +
            "Booleans and text."),
    }).ToArray();

    /// <summary>
    /// The name of each feature the VAE at <paramref name="step"/> reads, as its error column names them: its main
    /// column's slots as the steps before it name them (else f0, f1, …, or <c>Latent[j]</c> for the codes of a featurizer,
    /// whose slots are latent coordinates, not the data's columns), then each other column by its name (<c>Column[i]</c>
    /// for a vector).
    /// </summary>
    public string[] FeatureNames(int step)
    {
        var vae = (VaeTransformerBase)Steps[step];
        var layout = vae.Model.InputLayout;
        int mainSlots = layout.Columns[0].Slots;
        var main = SchemaBefore(step)[vae.InputColumnName];
        bool latent = FeaturizerBefore(step) is not null;
        string[] mainNames = main.Type is VectorDataViewType
            ? SlotNames(main, mainSlots) ?? Enumerable.Range(0, mainSlots).Select(j => latent ? $"{vae.InputColumnName}[{j}]" : $"f{j}").ToArray()
            : [vae.InputColumnName];
        return [.. mainNames, .. layout.SlotNames(vae.InputColumnName).Skip(mainSlots)];
    }

    /// <summary>
    /// Where the featurizer stands whose latent codes the VAE at <paramref name="step"/> reads as its main column; null
    /// when it reads the data's features.
    /// </summary>
    public int? FeaturizerBefore(int step)
    {
        string column = ((VaeTransformerBase)Steps[step]).InputColumnName;
        for (int before = step - 1; before >= 0; before--)
            if (Steps[before] is VaeEncodeTransformer encode && encode.OutputColumnName == column)
                return before;
        return null;
    }

    /// <summary>
    /// The categories of the key column <paramref name="name"/> that the steps before the VAE make (MapValueToKey in
    /// place, as the CLI's pipelines do); null when they make no such column, and nothing checks the text then.
    /// </summary>
    private FrozenSet<string>? KeyValues(string name)
    {
        if (SchemaBefore(VaeIndex).GetColumnOrNull(name) is not { Type: KeyDataViewType key } column || !column.HasKeyValues())
            return null;
        var values = default(VBuffer<ReadOnlyMemory<char>>);
        column.GetKeyValues(ref values);
        return values.DenseValues().Select(value => value.ToString()).ToFrozenSet();
    }

    /// <summary>
    /// The map of a row in the VAE's units back to the data's units through the affine normalizers before the VAE: those
    /// of its feature vector, or of the columns it was concatenated from (matched by slot name). x = x' / scale + offset.
    /// </summary>
    /// <exception cref="CliException">A normalizer before the VAE is not affine (a CDF, bins): its rows would stay in
    /// its units under the data's column names.</exception>
    public Func<float[], float[]> ToDataUnits()
    {
        var names = FeatureNames(VaeIndex);
        var scale = Enumerable.Repeat(1f, names.Length).ToArray();
        var offset = new float[names.Length];
        var schema = InputSchema;
        for (int step = 0; step < VaeIndex; step++)
        {
            var output = Steps[step].GetOutputSchema(schema);
            // The columns a normalizer adds (or replaces: the old one stays, hidden), in schema order, which is the
            // order of its parameters when its columns follow the order of its input, as the CLI's do.
            if (Steps[step] is NormalizingTransformer normalizer)
                foreach (var (column, index) in output.Where(column => !column.IsHidden && output.Count(c => c.Name == column.Name) > schema.Count(c => c.Name == column.Name))
                    .Select((column, index) => (column, index)))
                    switch (normalizer.GetNormalizerModelParameters(index))
                    {
                        case NormalizingTransformer.AffineNormalizerModelParameters<float> one when Array.IndexOf(names, column.Name) is int j and >= 0:
                            (scale[j], offset[j]) = (one.Scale, one.Offset);
                            break;
                        case NormalizingTransformer.AffineNormalizerModelParameters<ImmutableArray<float>> many when column.Name == Vae.InputColumnName:
                            scale = many.Scale.ToArray();
                            offset = many.Offset.IsDefaultOrEmpty ? new float[names.Length] : many.Offset.ToArray();
                            break;
                        case NormalizingTransformer.AffineNormalizerModelParameters<float> or NormalizingTransformer.AffineNormalizerModelParameters<ImmutableArray<float>>:
                            break;
                        case var other when column.Name == Vae.InputColumnName || names.Contains(column.Name):
                            string how = other is NormalizingTransformer.CdfNormalizerModelParameters<float> or NormalizingTransformer.CdfNormalizerModelParameters<ImmutableArray<float>>
                                ? "a CDF" : "bins";
                            throw new CliException($"{path}: step {step + 1} normalizes '{column.Name}' with {how}, which generate cannot map back to the data's units; " +
                                "it maps back affine normalizers (NormalizeMeanVariance or NormalizeMinMax without a CDF, NormalizeRobustScaling).");
                    }
            schema = output;
        }
        return row => row.Select((value, j) => (scale[j] == 0 ? 0 : value / scale[j]) + offset[j]).ToArray();
    }

    private DataViewSchema SchemaBefore(int step) =>
        Steps.Take(step).Aggregate(InputSchema, (schema, before) => before.GetOutputSchema(schema));

    /// <summary>Whether the pipeline needs <paramref name="column"/>: it cannot compute its outputs without it.</summary>
    private bool IsRead(DataViewSchema.Column column)
    {
        var others = new DataViewSchema.Builder();
        foreach (var other in InputSchema.Where(other => other.Index != column.Index))
            others.AddColumn(other.Name, other.Type, other.Annotations);
        try
        {
            model.GetOutputSchema(others.ToSchema());
            return false;
        }
        catch (Exception error) when (error is ArgumentOutOfRangeException or InvalidOperationException)
        {
            return true;
        }
    }

    private static string[]? SlotNames(DataViewSchema.Column column, int size)
    {
        if (column.Type is not VectorDataViewType || !column.HasSlotNames())
            return null;
        var names = default(VBuffer<ReadOnlyMemory<char>>);
        column.GetSlotNames(ref names);
        var dense = names.DenseValues().Select(n => n.ToString()).ToArray();
        return dense.Length == size && dense.All(name => name.Length > 0) ? dense : null;
    }
}
