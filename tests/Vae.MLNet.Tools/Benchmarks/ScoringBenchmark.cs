using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Vae.MLNet.Cli;

namespace Vae.MLNet.Tools;

/// <summary>
/// The scoring contenders of <c>vae-mlnet-tools bench</c>, all on the same rows and the same trained model: our batched
/// transformer (fresh, and reloaded from a saved zip), ML.NET's ApplyOnnxModel on the exported ONNX file, a bare
/// ONNX Runtime session on 1,024-row blocks of a float array, and ML.NET's RandomizedPca.
/// </summary>
internal sealed class ScoringBenchmark(MLContext ml, SyntheticMatrix data)
{
    /// <summary>The input and score names of an exported VAE graph (see <see cref="VaeModelOnnxExtensions"/>).</summary>
    public const string Column = "features";
    private const string OnnxScore = "score";
    private const int BareBatch = 1024;

    private readonly IDataView _view = ToDataView(ml, data, data.Rows);

    /// <summary>Rows per second reading every Score of <paramref name="model"/>'s output.</summary>
    public double ThroughTransformer(ITransformer model, IDataView? view = null, string column = "Score")
    {
        view ??= _view;
        var clock = Stopwatch.StartNew();
        var scored = model.Transform(view);
        long rows = ScoreReader.ReadAll(scored, column);
        return rows / clock.Elapsed.TotalSeconds;
    }

    /// <summary>Rows per second reading the feature column alone: the data source's own cost, a floor under any scorer.</summary>
    public double ReadingFeaturesOnly()
    {
        var clock = Stopwatch.StartNew();
        var column = _view.Schema[Column];
        using var cursor = _view.GetRowCursor([column]);
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        var value = default(VBuffer<float>);
        long rows = 0;
        for (; cursor.MoveNext(); rows++)
            getter(ref value);
        return rows / clock.Elapsed.TotalSeconds;
    }

    /// <summary>ML.NET's ApplyOnnxModel over the exported file: one session call per row, on the first <paramref name="rows"/> rows.</summary>
    public double ApplyOnnxModel(string onnxPath, int rows)
    {
        var view = ToDataView(ml, data, rows);
        var model = ml.Transforms.ApplyOnnxModel([OnnxScore], [Column], onnxPath).Fit(view);
        return ThroughTransformer(model, view, OnnxScore);
    }

    /// <summary>A bare session: 1,024-row blocks of the float array, outputs written into a pre-allocated array.</summary>
    public double BareOnnxRuntime(InferenceSession session)
    {
        int d = data.Dimension;
        var scores = new float[BareBatch];
        using var runOptions = new RunOptions();
        var clock = Stopwatch.StartNew();
        for (int start = 0; start < data.Rows; start += BareBatch)
        {
            int rows = Math.Min(BareBatch, data.Rows - start);
            using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance,
                data.Features.AsMemory(start * d, rows * d), [rows, d]);
            using var output = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, scores.AsMemory(0, rows), [rows]);
            session.Run(runOptions, [Column], [input], [OnnxScore], [output]);
        }
        return data.Rows / clock.Elapsed.TotalSeconds;
    }

    /// <summary>Latency percentiles (µs) of single-row predictions through a PredictionEngine.</summary>
    public (double P50, double P99) PredictionEngineLatency(ITransformer model, int predictions)
    {
        var engine = ml.Model.CreatePredictionEngine<VectorColumnView.Row, ScoreRow>(model, inputSchemaDefinition: VectorColumnView.Schema(Column, data.Dimension));
        var rows = Rows(data, Math.Min(predictions, data.Rows)).Select(values => new VectorColumnView.Row { Values = values }).ToArray();
        var times = new double[rows.Length];
        var clock = new Stopwatch();
        for (int i = 0; i < rows.Length; i++)
        {
            clock.Restart();
            engine.Predict(rows[i]);
            times[i] = clock.Elapsed.TotalMicroseconds;
        }
        Array.Sort(times);
        return (times[times.Length / 2], times[(int)(times.Length * 0.99)]);
    }

    public IDataView View => _view;

    /// <summary>The first <paramref name="rows"/> rows of <paramref name="data"/> as an in-memory IDataView with column <see cref="Column"/>.</summary>
    public static IDataView ToDataView(MLContext ml, SyntheticMatrix data, int rows) =>
        VectorColumnView.Create(ml, Column, data.Dimension, Rows(data, rows));

    private static IEnumerable<float[]> Rows(SyntheticMatrix data, int rows) =>
        Enumerable.Range(0, rows).Select(r => data.Features[(r * data.Dimension)..((r + 1) * data.Dimension)]);

    internal sealed class ScoreRow
    {
        public float Score { get; set; }
    }
}
