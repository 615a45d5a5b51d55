using Microsoft.ML;
using Vae.MLNet.Training;

namespace Vae.MLNet.Tests;

[Trait("Category", "Slow")]
public class ConcurrencyTests
{
    public static TheoryData<string> Models => ["fresh", "reloaded with LoadWithBatchedScoring", "reloaded with Model.Load"];

    /// <summary>The models whose scoring is ours, and so whose disposal under load is ours to make safe.</summary>
    public static TheoryData<string> BatchedModels => ["fresh", "reloaded with LoadWithBatchedScoring"];

    private static readonly PredictionEngineOptions Shared = new() { OwnsTransformer = false, InputSchemaDefinition = TestData.SchemaFor(6) };

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
        var detector = Detector(ml, model);
        var rows = TestData.Gaussian(12_000, 500, seed: 3);
        var data = TestData.ToDataView(ml, rows);
        float[] Batch() => TestData.Column(detector.Transform(data), "Score");
        var (batch, oneByOne) = (Batch(), OneByOne(ml, detector, rows));

        var results = new float[8][];
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 },
            thread => results[thread] = thread % 2 == 0 ? Batch() : OneByOne(ml, detector, rows));

        for (int thread = 0; thread < 8; thread++)
            Assert.Equal(thread % 2 == 0 ? batch : oneByOne, results[thread]);
        for (int i = 0; i < batch.Length; i++)
            Assert.Equal(batch[i], oneByOne[i], 1e-5 * Math.Max(1, Math.Abs(batch[i])));
    }

    /// <summary>
    /// ML.NET's per-request pattern, <c>using var engine = CreatePredictionEngine(model)</c>, on four threads: each
    /// engine owns the shared model and disposes it after its one prediction while the other threads' engines score
    /// with it. Every prediction is the one a long-lived engine gives, and the process does not crash (it did, with
    /// SIGSEGV, when the disposal freed the ONNX Runtime session under a running call).
    /// </summary>
    [Theory]
    [MemberData(nameof(BatchedModels))]
    public void PerRequestEnginesDisposingTheSharedModelOnFourThreadsScoreEveryRowRight(string model)
    {
        var ml = new MLContext(seed: 1);
        var detector = Detector(ml, model);
        var rows = TestData.Gaussian(280, 20, seed: 3);
        var expected = OneByOne(ml, detector, rows);

        var scores = new float[rows.Length];
        Parallel.For(0, rows.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            using var engine = ml.Model.CreatePredictionEngine<LabelledRow, Prediction>(detector,
                new PredictionEngineOptions { InputSchemaDefinition = TestData.SchemaFor(6) });
            scores[i] = engine.Predict(rows[i]).Score;
        });

        Assert.Equal(expected, scores);
    }

    /// <summary>
    /// The model is disposed again and again while four threads read Transform cursors over it, 20 blocks each: every
    /// cursor finishes with the scores of an undisturbed run.
    /// </summary>
    [Theory]
    [MemberData(nameof(BatchedModels))]
    public async Task DisposingTheModelWhileFourThreadsReadTransformCursorsChangesNoScore(string model)
    {
        var ml = new MLContext(seed: 1);
        var detector = Detector(ml, model);
        var data = TestData.ToDataView(ml, TestData.Gaussian(20_000, 480, seed: 3));
        var expected = TestData.Column(detector.Transform(data), "Score");

        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(() => TestData.Column(detector.Transform(data), "Score"))).ToArray();
        while (!readers.All(r => r.IsCompleted))
        {
            ((IDisposable)detector).Dispose();
            Thread.Sleep(1);
        }

        foreach (var reader in readers)
            Assert.Equal(expected, await reader);
    }

    [Fact]
    public void ACursorUsedAfterItsDisposalThrowsObjectDisposedException()
    {
        var ml = new MLContext(seed: 1);
        var detector = Detector(ml, "fresh");
        var scored = detector.Transform(TestData.ToDataView(ml, TestData.Gaussian(10, 0, seed: 3)));
        var cursor = scored.GetRowCursor(scored.Schema);
        Assert.True(cursor.MoveNext());

        cursor.Dispose();

        Assert.Throws<ObjectDisposedException>(() => cursor.MoveNext());
    }

    [Fact]
    public void AScorerUsedAfterItsDisposalThrowsObjectDisposedException()
    {
        var ml = new MLContext(seed: 1);
        var model = ((VaeAnomalyDetectionTransformer)Detector(ml, "fresh")).Model;
        var scorer = new VaeOnnxScorer(model);
        var batch = scorer.CreateBatch(1, VaeOutputs.Score);

        scorer.Dispose();

        Assert.Throws<ObjectDisposedException>(() => scorer.Run(batch, 1));
    }

    private static ITransformer Detector(MLContext ml, string model)
    {
        var train = TestData.ToDataView(ml, TestData.Gaussian(500, 0));
        ITransformer detector = ml.AnomalyDetection.Trainers.Vae(new VaeAnomalyDetectionTrainer.Options { Epochs = 5, Seed = 1 }).Fit(train);
        if (model == "fresh")
            return detector;
        string path = Path.GetTempFileName();
        ml.Model.Save(detector, train.Schema, path);
        var loaded = model.Contains("Batched") ? ml.Model.LoadWithBatchedScoring(path, out _) : ml.Model.Load(path, out _);
        File.Delete(path);
        return loaded;
    }

    /// <summary>The rows' scores through one PredictionEngine; PredictionEngine is not thread-safe, so one per caller.</summary>
    private static float[] OneByOne(MLContext ml, ITransformer detector, IEnumerable<LabelledRow> rows)
    {
        using var engine = ml.Model.CreatePredictionEngine<LabelledRow, Prediction>(detector, Shared);
        return rows.Select(row => engine.Predict(row).Score).ToArray();
    }

    private sealed class Prediction
    {
        public float Score { get; set; }
    }
}
