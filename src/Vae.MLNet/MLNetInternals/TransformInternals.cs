using System.Reflection;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace Vae.MLNet;

/// <summary>
/// What the pipeline export reads from ML.NET's fitted transforms that ML.NET 5 keeps internal: which columns each one
/// reads and writes, and the replacement values of ReplaceMissingValues. The normalizers' parameters are public
/// (<see cref="NormalizingTransformer.GetNormalizerModelParameters"/>); these are not. They are reached by reflection
/// here and nowhere else, and the export tests exercise each, so an ML.NET upgrade that moves one fails loudly.
/// </summary>
internal static class TransformInternals
{
    private const BindingFlags Instance = BindingFlags.Instance | BindingFlags.NonPublic;

    private static readonly FieldInfo ColumnPairsField = typeof(OneToOneTransformerBase).GetField("ColumnPairs", Instance)
        ?? throw Missing(nameof(OneToOneTransformerBase), "ColumnPairs");

    private static readonly PropertyInfo ConcatenatedColumns = typeof(ColumnConcatenatingTransformer).GetProperty("Columns", Instance)
        ?? throw Missing(nameof(ColumnConcatenatingTransformer), "Columns");

    private static readonly FieldInfo ReplacementValues = typeof(MissingValueReplacingTransformer).GetField("_repValues", Instance)
        ?? throw Missing(nameof(MissingValueReplacingTransformer), "_repValues");

    /// <summary>The (output, input) column pairs of a one-to-one transform: a normalizer, CopyColumns, ReplaceMissingValues.</summary>
    public static (string Output, string Input)[] ColumnPairs(OneToOneTransformerBase transformer) =>
        ((string, string)[])ColumnPairsField.GetValue(transformer)!;

    /// <summary>The output column of each concatenation and the columns it joins, in order.</summary>
    public static IReadOnlyCollection<(string Output, string[] Inputs)> Concatenations(ColumnConcatenatingTransformer transformer) =>
        (IReadOnlyCollection<(string, string[])>)ConcatenatedColumns.GetValue(transformer)!;

    /// <summary>
    /// What ReplaceMissingValues puts in place of a missing value of its <paramref name="column"/>-th column: one value
    /// for every slot (a <see cref="float"/>), or one per slot (a <see cref="float"/> array), as it was fitted.
    /// </summary>
    public static object ReplacementValue(MissingValueReplacingTransformer transformer, int column) =>
        ((object[])ReplacementValues.GetValue(transformer)!)[column];

    private static MissingMemberException Missing(string type, string member) =>
        new($"{type}.{member} not found in this version of ML.NET; the ONNX pipeline export reads it.");
}
