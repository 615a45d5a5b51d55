using System.IO.Compression;
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
    [InlineData(VaeOnnxMetadata.FeatureColumn, " ", "inputColumnName")]
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

    /// <summary>
    /// A score map by observed count (<see cref="ObservedCountScale"/>) added to the detector's settings is checked as a
    /// trained one is: both tables or neither, valid values, and only for a model of missing values (this one refuses them).
    /// </summary>
    [Theory]
    [InlineData("1 1 1 1 1 1 1", null, "has 'vae_mlnet.score_observed_count_scales' without 'vae_mlnet.score_observed_count_offsets'")]
    [InlineData("1 -1", "0 0", "Every scale must be finite and positive; count 1 holds -1")]
    [InlineData("1 1", "0 0", "for a model of missing values")]
    public void AScoreMapByObservedCountThatDoesNotFitIsRefusedNamingTheEntry(string scales, string? offsets, string expected)
    {
        File.WriteAllBytes(CraftedPath, ZipEntries.EditComponent(pipeline.Zip, VaeOnnxMetadata.AnomalyKind, model =>
        {
            model.MetadataProps.Add(new global::Onnx.StringStringEntryProto { Key = VaeOnnxMetadata.ScoreObservedCountScales, Value = scales });
            if (offsets is not null)
                model.MetadataProps.Add(new global::Onnx.StringStringEntryProto { Key = VaeOnnxMetadata.ScoreObservedCountOffsets, Value = offsets });
        }));

        var error = Assert.Throws<InvalidDataException>(() => new MLContext().Model.LoadWithBatchedScoring(CraftedPath, out _));
        Assert.StartsWith($"{CraftedPath}:TransformerChain/Transform_002/Transform_000/OnnxModel", error.Message);
        Assert.Contains(expected, error.Message);
    }

    /// <summary>
    /// The detector's graph entry replaced by 1 GiB of zeros, which deflate to about 1 MB: refused from the sizes its
    /// header declares, before anything is allocated for it; and when the header declares the original entry's size,
    /// only that many bytes are read (the reader stops there, however much more the data would inflate to).
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AZipBombInAGraphEntryIsRefusedWithoutReadingIt(bool declaredSmall)
    {
        string entry = ZipEntries.Read(pipeline.Zip).First(e => e.Name.EndsWith(ZipEntries.OnnxModel, StringComparison.Ordinal)).Name;
        WriteWithZeros(entry);
        if (declaredSmall)
            File.WriteAllBytes(CraftedPath, ZipEntries.DeclareLength(File.ReadAllBytes(CraftedPath), entry, 50_000));

        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<InvalidDataException>(() => new MLContext().Model.LoadWithBatchedScoring(CraftedPath, out _));

        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20);
        Assert.StartsWith($"{CraftedPath}:{entry}", error.Message);
        Assert.Contains(declaredSmall ? "is damaged" : "declares 1073741824 bytes", error.Message);
    }

    /// <summary>An extra entry of 1 GiB of zeros, which nothing reads, is copied through in blocks: the model loads and scores as before.</summary>
    [Fact]
    public void AZipBombInAnEntryNothingReadsCostsNoMemory()
    {
        var ml = new MLContext(seed: 1);
        File.WriteAllBytes(CraftedPath, pipeline.Zip);
        var expected = Scores(ml.Model.LoadWithBatchedScoring(CraftedPath, out _));
        WriteWithZeros("Padding");

        long before = GC.GetAllocatedBytesForCurrentThread();
        var model = ml.Model.LoadWithBatchedScoring(CraftedPath, out _);

        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64 << 20);
        Assert.Equal(expected, Scores(model));
    }

    /// <summary>Writes the pipeline with <paramref name="entry"/> (replaced or added) holding 1 GiB of zeros, streamed.</summary>
    private void WriteWithZeros(string entry)
    {
        using var zip = new ZipArchive(File.Create(CraftedPath), ZipArchiveMode.Create);
        foreach (var (name, content) in ZipEntries.Read(pipeline.Zip).Where(e => e.Name != entry))
        {
            using var stream = zip.CreateEntry(name).Open();
            stream.Write(content);
        }
        using var zeros = zip.CreateEntry(entry).Open();
        var block = new byte[1 << 20];
        for (int i = 0; i < 1024; i++)
            zeros.Write(block);
    }

    private float[] Scores(ITransformer model) => model.Transform(pipeline.Rows).GetColumn<float>("Score").ToArray();
}
