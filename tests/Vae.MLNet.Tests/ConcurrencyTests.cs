using Microsoft.ML;
using Microsoft.ML.Data;
using Vae.MLNet.Training;

namespace Vae.MLNet.Tests;

public class ConcurrencyTests
{
    [Fact]
    public void OneTransformerScoresFromEightThreadsExactlyAsFromOne()
    {
        var ml = new MLContext(seed: 1);
        var train = TestData.ToDataView(ml, TestData.Gaussian(500, 0));
        var detector = ml.AnomalyDetection.Trainers.Vae(new VaeAnomalyDetectionTrainer.Options { Epochs = 5, Seed = 1 }).Fit(train);
        var rows = TestData.Gaussian(6000, 60, seed: 3);
        var data = TestData.ToDataView(ml, rows);
        var expected = TestData.Column(detector.Transform(data), "Score");

        var results = new float[8][];
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, thread =>
        {
            if (thread % 2 == 0)
                results[thread] = TestData.Column(detector.Transform(data), "Score");
            else
            {
                // PredictionEngine is not thread-safe: one per thread, all over the same transformer.
                using var engine = ml.Model.CreatePredictionEngine<LabelledRow, Prediction>(detector,
                    new PredictionEngineOptions { OwnsTransformer = false, InputSchemaDefinition = TestData.SchemaFor(6) });
                results[thread] = rows.Select(row => engine.Predict(row).Score).ToArray();
            }
        });

        for (int thread = 0; thread < 8; thread++)
            for (int i = 0; i < expected.Length; i++)
                Assert.Equal(expected[i], results[thread][i], 1e-5 * Math.Max(1, Math.Abs(expected[i])));
    }

    private sealed class Prediction
    {
        public float Score { get; set; }
    }
}
