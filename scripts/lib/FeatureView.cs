// Rows as an ML.NET data view with one known-size vector column "Features", for the scripts that include it with
// `#:include lib/FeatureView.cs`.
using Microsoft.ML;
using Microsoft.ML.Data;

static class FeatureView
{
    /// <summary>The rows <paramref name="x"/> (each of <paramref name="d"/> values) as a "Features" column of size d.</summary>
    public static IDataView Of(MLContext ml, float[][] x, int d)
    {
        var schema = SchemaDefinition.Create(typeof(FeatureRow));
        schema["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, d);
        return ml.Data.LoadFromEnumerable(x.Select(r => new FeatureRow { Features = r }), schema);
    }

    /// <summary>The "Score" column of <paramref name="model"/> on the rows <paramref name="x"/>.</summary>
    public static double[] Scores(ITransformer model, MLContext ml, float[][] x, int d) =>
        model.Transform(Of(ml, x, d)).GetColumn<float>("Score").Select(v => (double)v).ToArray();
}

sealed class FeatureRow { public float[] Features { get; set; } = []; }
