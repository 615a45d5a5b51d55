using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.MLNet.Tests.Conformance;

/// <summary>The schema problems every VAE estimator must refuse in its input column, each as a small data view.</summary>
internal static class InvalidInputs
{
    /// <summary>The input column of every configuration, as <see cref="TestData.ToDataView"/> names it.</summary>
    public const string Column = nameof(LabelledRow.Features);

    private sealed class Row<T>
    {
        public T Value { get; set; } = default!;
    }

    /// <summary>
    /// The problems of <see cref="Column"/> when it must be a vector of <paramref name="size"/> Singles: missing, a
    /// scalar, a vector of Double, a String, a vector of keys, a variable-size vector (refused everywhere), and
    /// vectors of two other sizes (refused by <paramref name="wrongSize"/>). An estimator that reads columns of
    /// <paramref name="everyKind"/> (Single, Boolean or key, a value or a vector) trains on a Single scalar, and its
    /// Fit refuses the vector of keys only for its rows (every key missing): their trained transformers refuse both.
    /// With <paramref name="companions"/>, each view gets the other columns an estimator of mixed columns reads, valid,
    /// so that what is refused is the input column alone; Fit then accepts the vector of missing keys too, since the
    /// companions' values are observed.
    /// </summary>
    public static IReadOnlyList<InvalidInput> For(MLContext ml, int size, RefusedBy wrongSize, bool everyKind = false, Func<IDataView, IDataView>? companions = null) =>
        Problems(ml, size, wrongSize, everyKind, companions is not null).Select(p => companions is null ? p : p with { Data = companions(p.Data) }).ToArray();

    private static IEnumerable<InvalidInput> Problems(MLContext ml, int size, RefusedBy wrongSize, bool everyKind, bool withCompanions) =>
    [
        new($"no column '{Column}'", OneColumn(ml, "Pixels", Floats(size), new VectorDataViewType(NumberDataViewType.Single, size)), RefusedBy.All),
        new("a Single scalar", OneColumn(ml, Column, 1f), everyKind ? RefusedBy.Transformers : RefusedBy.All),
        new($"a vector of {size} Doubles", OneColumn(ml, Column, new double[size], new VectorDataViewType(NumberDataViewType.Double, size)), RefusedBy.All),
        new("a String", OneColumn(ml, Column, "1, 2"), RefusedBy.All),
        // Beside companions (a model of missing values that must train on it), key 1: key 0 in every row is a feature
        // missing from all the training rows, which Fit refuses as data.
        new($"a vector of {size} keys", OneColumn(ml, Column, withCompanions ? Enumerable.Repeat(1u, size).ToArray() : new uint[size],
            new VectorDataViewType(new KeyDataViewType(typeof(uint), 10), size)),
            !everyKind ? RefusedBy.All : withCompanions ? RefusedBy.Transformers : RefusedBy.FitAndTransformers),
        new("a variable-size vector of Single", OneColumn(ml, Column, Floats(size)), RefusedBy.All, OnnxTransformerAccepts: true),
        new($"a vector of {size + 1} Singles", Singles(ml, size + 1), wrongSize),
        // Beside companions, the glue's concatenation is no longer a multiple of the graph's input, which OnnxTransformer refuses.
        new($"a vector of {2 * size} Singles", Singles(ml, 2 * size), wrongSize, OnnxTransformerAccepts: !withCompanions),
    ];

    // Enough finite rows that an estimator which accepts this width can train on it.
    private static IDataView Singles(MLContext ml, int size) => TestData.ToDataView(ml, TestData.Gaussian(100, 0, dimension: size));

    private static float[] Floats(int size) => Enumerable.Range(0, size).Select(i => (float)i).ToArray();

    private static IDataView OneColumn<T>(MLContext ml, string name, T value, DataViewType? type = null)
    {
        var schema = SchemaDefinition.Create(typeof(Row<T>));
        schema[0].ColumnName = name;
        if (type != null)
            schema[0].ColumnType = type;
        return ml.Data.LoadFromEnumerable(Enumerable.Range(0, 20).Select(_ => new Row<T> { Value = value }), schema);
    }
}
