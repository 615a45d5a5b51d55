using Microsoft.ML;
using Microsoft.ML.Data;
using Vae.MLNet.Training;
using Xunit.Abstractions;

namespace Vae.MLNet.Tests.Hostile;

/// <summary>
/// A saved ML.NET pipeline holding both VAE components (z-scoring, the featurizer, the detector), fed hostile
/// variants through <c>LoadWithBatchedScoring</c> and through ML.NET's own <c>mlContext.Model.Load</c>: each must load
/// and score or end in an exception, within the time and allocation bounds. Crafted zips pin down what the batched
/// loader checks.
/// </summary>
public sealed class PipelineZipHostileTests(PipelineZipHostileTests.Pipeline pipeline, ITestOutputHelper output) : IClassFixture<PipelineZipHostileTests.Pipeline>, IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"vae-crafted-{Guid.NewGuid():N}.zip");

    public void Dispose() => File.Delete(_path);

    /// <summary>A tiny pipeline, saved once for the class, and rows to score.</summary>
    public sealed class Pipeline
    {
        public Pipeline()
        {
            var ml = new MLContext(seed: 1);
            Rows = TestData.ToDataView(ml, TestData.Gaussian(20, 2, seed: 4));
            var model = ml.Transforms.NormalizeMeanVariance("Features", fixZero: false)
                .Append(ml.Transforms.VaeEncode(new VaeEncodeEstimator.Options { Epochs = 3, Seed = 2, LatentDimension = 2, LogVarianceColumnName = "LogVariance" }))
                .Append(ml.AnomalyDetection.Trainers.Vae(new VaeAnomalyDetectionTrainer.Options { Epochs = 3, Seed = 1 }))
                .Fit(TestData.ToDataView(ml, TestData.Gaussian(300, 0)));
            using var zip = new MemoryStream();
            ml.Model.Save(model, Rows.Schema, zip);
            Zip = zip.ToArray();
        }

        public byte[] Zip { get; }

        public IDataView Rows { get; }
    }

    [Fact]
    public void LoadWithBatchedScoringGivesAModelOrADocumentedException() =>
        Fuzz("LoadWithBatchedScoring", seed: 3_000_000, path => new MLContext(seed: 1).Model.LoadWithBatchedScoring(path, out _),
            error => error is InvalidDataException or ScoringFailure { InnerException: VaeDataException });

    // ML.NET's loader documents no exceptions: what it throws is recorded; it must still end, within the bounds.
    [Fact]
    public void MLNetsOwnLoaderEndsInAModelOrAnException() =>
        Fuzz("mlContext.Model.Load", seed: 4_000_000, path => new MLContext(seed: 1).Model.Load(path, out _), error => true);

    private void Fuzz(string loader, int seed, Func<string, ITransformer> load, Func<Exception, bool> isDocumented)
    {
        var tally = LoaderFuzzer.Run(FuzzProfile.InputsPerLoader, seed,
            random => ZipMutator.Mutate(pipeline.Zip, random),
            path => HostileScoring.ScoreRows(load(path), pipeline.Rows),
            isDocumented);

        output.WriteLine(tally.Summary(loader));
        Assert.True(tally.Failures.Count == 0, string.Join(Environment.NewLine, tally.Failures.Take(20)));
        Assert.Contains("ok", tally.Outcomes.Keys);
    }

    [Fact]
    public void AVaeGraphAlteredInTheZipNeverReachesOnnxRuntimeThroughTheBatchedLoader()
    {
        var ml = new MLContext(seed: 1);
        File.WriteAllBytes(_path, pipeline.Zip);
        var batched = Scores(ml.Model.LoadWithBatchedScoring(_path, out _));
        var rowByRow = Scores(ml.Model.Load(_path, out _));

        // Same metadata and weights, another graph: the encoder's first bias is now subtracted.
        File.WriteAllBytes(_path, ZipEntries.EditComponent(pipeline.Zip, VaeOnnxMetadata.AnomalyKind,
            model => model.Graph.Node.First(n => n.OpType == "Add").OpType = "Sub"));

        Assert.Equal(batched, Scores(ml.Model.LoadWithBatchedScoring(_path, out _)));
        Assert.NotEqual(rowByRow, Scores(ml.Model.Load(_path, out _)));
    }

    [Fact]
    public void DamageThatMLNetTripsOverIsAnInvalidDataExceptionKeepingTheCause()
    {
        var entries = ZipEntries.Read(pipeline.Zip);
        int schema = entries.FindIndex(e => e.Name == "Schema");
        entries[schema] = ("Schema", entries[schema].Content[..10]);
        File.WriteAllBytes(_path, ZipEntries.Write(entries));

        var error = Assert.Throws<InvalidDataException>(() => new MLContext().Model.LoadWithBatchedScoring(_path, out _));
        Assert.StartsWith($"{_path} could not be loaded by ML.NET:", error.Message);
        Assert.NotNull(error.InnerException);
    }

    [Theory]
    [InlineData(VaeOnnxMetadata.Format, null, "has no 'vae_mlnet.format' metadata")]
    [InlineData(VaeOnnxMetadata.Kind, null, "the metadata 'vae_mlnet.kind' is missing")]
    [InlineData(VaeOnnxMetadata.Threshold, "NaN", "'NaN' is not a finite number")]
    [InlineData(VaeOnnxMetadata.Threshold, "1 2", "the threshold is not one number")]
    [InlineData(VaeOnnxMetadata.ScoreKind, "7", "'7' is not a VaeScoreKind")]
    [InlineData(VaeOnnxMetadata.ScoreQuantiles, "1 2 3", "Expected 1001 quantiles, got 3")]
    [InlineData(VaeOnnxMetadata.FeatureColumn, " ", "featureColumnName")]
    public void ADetectorWhoseSettingsAreDamagedIsRefusedNamingTheEntry(string key, string? value, string expected)
    {
        File.WriteAllBytes(_path, ZipEntries.EditComponent(pipeline.Zip, VaeOnnxMetadata.AnomalyKind, model =>
        {
            var entry = model.MetadataProps.Single(p => p.Key == key);
            if (value is null)
                model.MetadataProps.Remove(entry);
            else
                entry.Value = value;
        }));

        var error = Assert.Throws<InvalidDataException>(() => new MLContext().Model.LoadWithBatchedScoring(_path, out _));
        Assert.StartsWith($"{_path}:TransformerChain/Transform_002/Transform_000/OnnxModel", error.Message);
        Assert.Contains(expected, error.Message);
    }

    private float[] Scores(ITransformer model) => model.Transform(pipeline.Rows).GetColumn<float>("Score").ToArray();
}
