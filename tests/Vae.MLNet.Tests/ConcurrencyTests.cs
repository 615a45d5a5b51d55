using Microsoft.ML;
using Vae.MLNet.Training;

namespace Vae.MLNet.Tests;

public class ConcurrencyTests
{
    public static TheoryData<string> Models => ["fresh", "reloaded with LoadWithBatchedScoring", "reloaded with Model.Load"];

    /// <summary>
    /// Eight threads share one transformer, four through Transform cursors and four through a PredictionEngine each,
    /// 12,500 rows per thread (100,000 in all). Each gives exactly what the same path gives on one thread: a batch
    /// run's scores, or a one-row run's. The two paths themselves agree within 1e-5 relative, since ONNX Runtime may
    /// pick another kernel for one row than for a block, which changes the last bits.
    /// </summary>
    [Theory]
    [MemberData(nameof(Models))]
    public void OneTransformerScoresFromEightThreadsExactlyAsFromOne(string model)
    {
        var ml = new MLContext(seed: 1);
        var train = TestData.ToDataView(ml, TestData.Gaussian(500, 0));
        ITransformer detector = ml.AnomalyDetection.Trainers.Vae(new VaeAnomalyDetectionTrainer.Options { Epochs = 5, Seed = 1 }).Fit(train);
        if (model != "fresh")
        {
            string path = Path.GetTempFileName();
            ml.Model.Save(detector, train.Schema, path);
            detector = model.Contains("Batched") ? ml.Model.LoadWithBatchedScoring(path, out _) : ml.Model.Load(path, out _);
            File.Delete(path);
        }
        var rows = TestData.Gaussian(12_000, 500, seed: 3);
        var data = TestData.ToDataView(ml, rows);
        float[] Batch() => TestData.Column(detector.Transform(data), "Score");
        float[] OneByOne()
        {
            // PredictionEngine is not thread-safe: one per thread, all over the same transformer.
            using var engine = ml.Model.CreatePredictionEngine<LabelledRow, Prediction>(detector,
                new PredictionEngineOptions { OwnsTransformer = false, InputSchemaDefinition = TestData.SchemaFor(6) });
            return rows.Select(row => engine.Predict(row).Score).ToArray();
        }
        var (batch, oneByOne) = (Batch(), OneByOne());

        var results = new float[8][];
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, thread => results[thread] = thread % 2 == 0 ? Batch() : OneByOne());

        for (int thread = 0; thread < 8; thread++)
            Assert.Equal(thread % 2 == 0 ? batch : oneByOne, results[thread]);
        for (int i = 0; i < batch.Length; i++)
            Assert.Equal(batch[i], oneByOne[i], 1e-5 * Math.Max(1, Math.Abs(batch[i])));
    }

    private sealed class Prediction
    {
        public float Score { get; set; }
    }
}
