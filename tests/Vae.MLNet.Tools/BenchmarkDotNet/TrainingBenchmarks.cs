using BenchmarkDotNet.Attributes;
using Microsoft.ML;
using Vae.MLNet.Training;

namespace Vae.MLNet.Tools;

/// <summary>One training epoch of the default network over 20,000 rows, read from an IDataView and thresholded as Fit does.</summary>
public class TrainingBenchmarks
{
    private readonly MLContext _ml = new(seed: 0);
    private IDataView _data = null!;

    [GlobalSetup]
    public void Setup() => _data = _ml.Data.LoadFromEnumerable(BenchmarkData.Rows(20_000, seed: 1));

    [Benchmark(Description = "Fit, 1 epoch of 20k rows")]
    public float FitOneEpoch() => _ml.AnomalyDetection.Trainers.Vae(new VaeAnomalyDetectionTrainer.Options
    {
        Epochs = 1,
        ValidationFraction = 0,
        Seed = 0,
    }).Fit(_data).Threshold;
}
