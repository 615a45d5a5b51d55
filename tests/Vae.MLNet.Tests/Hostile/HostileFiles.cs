using Microsoft.ML;
using Microsoft.ML.Data;
using Vae.MLNet.Training;

namespace Vae.MLNet.Tests.Hostile;

/// <summary>
/// The files the hostile-file tests start from, from one tiny trained pipeline (z-scoring, the featurizer, the
/// detector): the pipeline's zip, the detector's own model file and its exported ONNX file, and rows to score; and a
/// detector of missing values' model file.
/// </summary>
public sealed class HostileFiles
{
    public HostileFiles()
    {
        var ml = new MLContext(seed: 1);
        Rows = TestData.ToDataView(ml, TestData.Gaussian(20, 2, seed: 4));
        var pipeline = ml.Transforms.NormalizeMeanVariance("Features", fixZero: false)
            .Append(ml.Transforms.VaeEncode(new VaeEncodeEstimator.Options { Epochs = 3, Seed = 2, LatentDimension = 2, LogVarianceColumnName = "LogVariance" }))
            .Append(ml.AnomalyDetection.Trainers.Vae(new VaeAnomalyDetectionTrainer.Options { Epochs = 3, Seed = 1 }))
            .Fit(TestData.ToDataView(ml, TestData.Gaussian(300, 0)));
        using var zip = new MemoryStream();
        ml.Model.Save(pipeline, Rows.Schema, zip);
        Zip = zip.ToArray();

        var detector = pipeline.LastTransformer;
        string path = Path.Combine(Path.GetTempPath(), $"vae-hostile-{Guid.NewGuid():N}.onnx");
        try
        {
            detector.Model.Save(path);
            ModelFile = File.ReadAllBytes(path);
            detector.ExportOnnx(path);
            ExportedDetector = File.ReadAllBytes(path);
            var rows = TestData.Gaussian(300, 0, seed: 5);
            TestData.HideCells(rows, 0.2, seed: 6);
            ml.AnomalyDetection.Trainers.Vae(new VaeAnomalyDetectionTrainer.Options { Epochs = 3, Seed = 1, MissingValues = VaeMissingValues.Model })
                .Fit(TestData.ToDataView(ml, rows)).Model.Save(path);
            MissingValuesModelFile = File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>The pipeline, saved with <c>mlContext.Model.Save</c>.</summary>
    public byte[] Zip { get; }

    /// <summary>Rows of the schema the pipeline was saved with.</summary>
    public IDataView Rows { get; }

    /// <summary>The detector's VAE, saved with <c>model.Save</c>.</summary>
    public byte[] ModelFile { get; }

    /// <summary>The detector, exported with <c>detector.ExportOnnx</c>.</summary>
    public byte[] ExportedDetector { get; }

    /// <summary>A detector of missing values (<c>MissingValues = Model</c>, 20% of cells hidden), saved with <c>model.Save</c>.</summary>
    public byte[] MissingValuesModelFile { get; }
}

/// <summary>
/// The hostile-file tests share one <see cref="HostileFiles"/>, trained once, and run alone: ML.NET's own loader hands
/// mutated graphs to ONNX Runtime, and a full run once saw another test's valid graph fail ONNX Runtime's model
/// verification while they ran alongside it.
/// </summary>
[CollectionDefinition(nameof(HostileFiles), DisableParallelization = true)]
public sealed class HostileFilesCollection : ICollectionFixture<HostileFiles>;
