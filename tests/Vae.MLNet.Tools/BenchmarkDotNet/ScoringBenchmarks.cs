using BenchmarkDotNet.Attributes;
using Microsoft.ML;

namespace Vae.MLNet.Tools;

/// <summary>Scoring 100,000 rows through the batched transformer, and one row through a PredictionEngine.</summary>
[MemoryDiagnoser]
public class ScoringBenchmarks
{
    private readonly MLContext _ml = new(seed: 0);
    private IDataView _data = null!;
    private VaeAnomalyDetectionTransformer _detector = null!;
    private PredictionEngine<BenchmarkData.Row, Prediction> _engine = null!;
    private BenchmarkData.Row _row = null!;

    [GlobalSetup]
    public void Setup()
    {
        var rows = BenchmarkData.Rows(100_000, seed: 1);
        _data = _ml.Data.LoadFromEnumerable(rows);
        _detector = new VaeAnomalyDetectionTransformer(BenchmarkData.RandomModel(seed: 2), "Features", threshold: 50);
        _engine = _ml.Model.CreatePredictionEngine<BenchmarkData.Row, Prediction>(_detector);
        _row = rows[0];
    }

    [Benchmark(Description = "Transform, 100k rows")]
    public float BatchedTransform()
    {
        var scored = _detector.Transform(_data);
        var column = scored.Schema["Score"];
        using var cursor = scored.GetRowCursor([column]);
        var getter = cursor.GetGetter<float>(column);
        float score = 0, sum = 0;
        while (cursor.MoveNext())
        {
            getter(ref score);
            sum += score;
        }
        return sum;
    }

    [Benchmark(Description = "PredictionEngine, 1 row")]
    public float SingleRow() => _engine.Predict(_row).Score;

    public sealed class Prediction
    {
        public float Score { get; set; }
    }
}
