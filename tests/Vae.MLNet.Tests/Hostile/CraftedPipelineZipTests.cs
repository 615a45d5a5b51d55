using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.MLNet.Tests.Hostile;

/// <summary>
/// Pipeline zips crafted to pin down what <c>LoadWithBatchedScoring</c> checks before ML.NET loads anything, and that
/// the VAE graphs ML.NET then hands ONNX Runtime are rebuilt, not the file's.
/// </summary>
[Collection(nameof(HostileFiles))]
public sealed class CraftedPipelineZipTests(HostileFiles pipeline) : CraftedFileTests(".zip")
{
    [Fact]
    public void AVaeGraphAlteredInTheZipNeverReachesOnnxRuntimeThroughTheBatchedLoader()
    {
        var ml = new MLContext(seed: 1);
        File.WriteAllBytes(CraftedPath, pipeline.Zip);
        var batched = Scores(ml.Model.LoadWithBatchedScoring(CraftedPath, out _));
        var rowByRow = Scores(ml.Model.Load(CraftedPath, out _));

        // Same metadata and weights, another graph: the encoder's first bias is now subtracted.
        File.WriteAllBytes(CraftedPath, ZipEntries.EditComponent(pipeline.Zip, VaeOnnxMetadata.AnomalyKind,
            model => model.Graph.Node.First(n => n.OpType == "Add").OpType = "Sub"));

        Assert.Equal(batched, Scores(ml.Model.LoadWithBatchedScoring(CraftedPath, out _)));
        Assert.NotEqual(rowByRow, Scores(ml.Model.Load(CraftedPath, out _)));
    }

    [Fact]
    public void DamageThatMLNetTripsOverIsAnInvalidDataExceptionKeepingTheCause()
    {
        var entries = ZipEntries.Read(pipeline.Zip);
        int schema = entries.FindIndex(e => e.Name == "Schema");
        entries[schema] = ("Schema", entries[schema].Content[..10]);
        File.WriteAllBytes(CraftedPath, ZipEntries.Write(entries));

        var error = Assert.Throws<InvalidDataException>(() => new MLContext().Model.LoadWithBatchedScoring(CraftedPath, out _));
        Assert.StartsWith($"{CraftedPath} could not be loaded by ML.NET:", error.Message);
        Assert.NotNull(error.InnerException);
    }

    [Theory]
    [InlineData(VaeOnnxMetadata.Format, null, "has no 'vae_mlnet.format' metadata")]
    [InlineData(VaeOnnxMetadata.Kind, null, "the metadata 'vae_mlnet.kind' is missing")]
    [InlineData(VaeOnnxMetadata.Threshold, "NaN", "the threshold 'NaN' is not one number")]
    [InlineData(VaeOnnxMetadata.Threshold, "1 2", "the threshold '1 2' is not one number")]
    [InlineData(VaeOnnxMetadata.ScoreKind, "7", "'7' is not a VaeScoreKind")]
    [InlineData(VaeOnnxMetadata.CalibrationScores, "1 Infinity 3", "'Infinity' is not a finite number")]
    [InlineData(VaeOnnxMetadata.CalibrationScores, "", "Between 1 and 10000 calibration scores are needed; got 0")]
    [InlineData(VaeOnnxMetadata.FeatureColumn, " ", "featureColumnName")]
    public void ADetectorWhoseSettingsAreDamagedIsRefusedNamingTheEntry(string key, string? value, string expected)
    {
        File.WriteAllBytes(CraftedPath, ZipEntries.EditComponent(pipeline.Zip, VaeOnnxMetadata.AnomalyKind, model =>
        {
            var entry = model.MetadataProps.Single(p => p.Key == key);
            if (value is null)
                model.MetadataProps.Remove(entry);
            else
                entry.Value = value;
        }));

        var error = Assert.Throws<InvalidDataException>(() => new MLContext().Model.LoadWithBatchedScoring(CraftedPath, out _));
        Assert.StartsWith($"{CraftedPath}:TransformerChain/Transform_002/Transform_000/OnnxModel", error.Message);
        Assert.Contains(expected, error.Message);
    }

    private float[] Scores(ITransformer model) => model.Transform(pipeline.Rows).GetColumn<float>("Score").ToArray();
}
