using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.MLNet;

/// <summary>
/// Rows of Singles as an IDataView of one column, a known-size vector: the shape every VAE transformer reads, for
/// the views built in code (generated rows, the digits, benchmark rows, the schema a saved graph's glue is fitted on).
/// </summary>
internal static class VectorColumnView
{
    /// <summary><paramref name="rows"/>, each of <paramref name="width"/> values, as column <paramref name="columnName"/>.</summary>
    public static IDataView Create(MLContext ml, string columnName, int width, IEnumerable<float[]> rows) =>
        ml.Data.LoadFromEnumerable(rows.Select(values => new Row { Values = values }).ToArray(), Schema(columnName, width));

    /// <summary>The schema of <see cref="Row"/> as column <paramref name="columnName"/> of <paramref name="width"/> values, e.g. for a PredictionEngine.</summary>
    public static SchemaDefinition Schema(string columnName, int width)
    {
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[0].ColumnName = columnName;
        schema[0].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        return schema;
    }

    /// <summary>One row: the column's values.</summary>
    public sealed class Row
    {
        public float[] Values { get; set; } = [];
    }
}
