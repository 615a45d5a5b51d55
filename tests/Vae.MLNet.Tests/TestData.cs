using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Vae.MLNet.Training;

namespace Vae.MLNet.Tests;

/// <summary>A row with a fixed-size feature vector and a label, as the tests build them.</summary>
public sealed class LabelledRow
{
    [VectorType]
    public float[] Features { get; set; } = [];

    public float Label { get; set; }
}

/// <summary>Seeded synthetic data and the repository's real-data fixtures.</summary>
internal static class TestData
{
    /// <summary>
    /// Normal rows on a 2-D plane embedded in <paramref name="dimension"/> dimensions, plus noise; anomalies are
    /// shifted off the plane. Rows are returned normal first.
    /// </summary>
    public static LabelledRow[] Gaussian(int normal, int anomalies, int dimension = 6, int seed = 0)
    {
        var random = new Random(seed);
        var rows = new List<LabelledRow>();
        for (int i = 0; i < normal + anomalies; i++)
        {
            bool anomaly = i >= normal;
            double a = Normal(random), b = Normal(random);
            var x = new float[dimension];
            for (int j = 0; j < dimension; j++)
                x[j] = (float)(a * Math.Cos(j) + b * Math.Sin(j) + 0.1 * Normal(random) + (anomaly ? 3 * ((j % 2) * 2 - 1) : 0));
            rows.Add(new LabelledRow { Features = x, Label = anomaly ? 1 : 0 });
        }
        return rows.ToArray();
    }

    /// <summary>
    /// Hides each cell of <paramref name="rows"/> with probability <paramref name="rate"/> (sets it to NaN), seeded,
    /// keeping one cell of any row that would lose all of them; returns how many cells it hid.
    /// </summary>
    public static int HideCells(IReadOnlyList<LabelledRow> rows, double rate, int seed)
    {
        var random = new Random(seed);
        int hidden = 0;
        foreach (var row in rows)
        {
            var kept = random.Next(row.Features.Length);
            for (int j = 0; j < row.Features.Length; j++)
            {
                if (random.NextDouble() < rate && j != kept)
                {
                    row.Features[j] = float.NaN;
                    hidden++;
                }
            }
        }
        return hidden;
    }

    /// <summary>The rows as an IDataView whose Features column is a known-size vector.</summary>
    public static IDataView ToDataView(MLContext ml, IReadOnlyList<LabelledRow> rows) =>
        ml.Data.LoadFromEnumerable(rows, SchemaFor(rows[0].Features.Length));

    /// <summary>The schema of <see cref="LabelledRow"/> with <paramref name="dimension"/> features, e.g. for a PredictionEngine.</summary>
    public static SchemaDefinition SchemaFor(int dimension)
    {
        var schema = SchemaDefinition.Create(typeof(LabelledRow));
        schema[nameof(LabelledRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, dimension);
        return schema;
    }

    /// <summary>A protocol split from ../shared/datasets, copied into Fixtures/splits.</summary>
    public static string SplitPath(string dataset, int seed, string part) =>
        Path.Combine(AppContext.BaseDirectory, "Fixtures", "splits", dataset, $"seed{seed}", $"{part}.csv");

    /// <summary>Loads a split CSV (f0.. features, Label) with TextLoader.</summary>
    public static IDataView LoadSplit(MLContext ml, string dataset, int seed, string part)
    {
        string path = SplitPath(dataset, seed, part);
        int features = File.ReadLines(path).First().Split(',').Length - 1;
        var loader = ml.Data.CreateTextLoader(
        [
            new TextLoader.Column("Features", DataKind.Single, 0, features - 1),
            new TextLoader.Column("Label", DataKind.Single, features),
        ], separatorChar: ',', hasHeader: true);
        return loader.Load(path);
    }

    /// <summary>A progress callback that keeps the reports of the model's own epochs, not those of its calibration models.</summary>
    public static Action<VaeEpochReport> ModelEpochs(List<VaeEpochReport> reports) =>
        report => { if (report.CalibrationFold == 0) reports.Add(report); };

    /// <summary>Runs an exported graph on <paramref name="rows"/> (its "features" input) with ONNX Runtime and returns one output, flattened.</summary>
    public static float[] RunGraph(string path, float[][] rows, string outputName)
    {
        using var session = new InferenceSession(path);
        using var input = OrtValue.CreateTensorValueFromMemory(rows.SelectMany(r => r).ToArray(), [rows.Length, rows[0].Length]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, ["features"], [input], [outputName]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    public static float[] Column(IDataView data, string name) =>
        data.GetColumn<float>(name).ToArray();

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
