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
            MixedDetector(ml).Model.Save(path);
            MixedModelFile = File.ReadAllBytes(path);
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

    /// <summary>
    /// A detector of mixed columns (<see cref="MixedLayout"/>: three Singles, a key of three categories, a flag; missing
    /// values modelled), saved with <c>model.Save</c>: format version 2, with its <c>vae_mlnet.input_layout</c>.
    /// </summary>
    public byte[] MixedModelFile { get; }

    /// <summary>The input layout of <see cref="MixedModelFile"/>, as its metadata writes it.</summary>
    public const string MixedLayout =
        """[{"Name":"Features","Kind":"Real","Slots":3,"Categories":0},{"Name":"Color","Kind":"Categorical","Slots":1,"Categories":3},{"Name":"Flag","Kind":"Binary","Slots":1,"Categories":0}]""";

    private static VaeAnomalyDetectionTransformer MixedDetector(MLContext ml)
    {
        var random = new Random(7);
        var rows = Enumerable.Range(0, 200).Select(i =>
        {
            float a = (float)random.NextDouble();
            return new MixedRow { Features = [a, 2 * a, random.NextDouble() < 0.1 ? float.NaN : 1 - a], Color = (uint)(a * 3), Flag = a > 0.5f };
        }).ToArray();
        return ml.AnomalyDetection.Trainers.Vae(new VaeAnomalyDetectionTrainer.Options
        {
            AdditionalFeatureColumnNames = ["Color", "Flag"], MissingValues = VaeMissingValues.Model, Epochs = 3, Seed = 1, LatentDimension = 2, HiddenLayerSizes = [8],
        }).Fit(ml.Data.LoadFromEnumerable(rows));
    }

    /// <summary>A row of <see cref="MixedModelFile"/>'s training data; LoadFromEnumerable reads <see cref="Color"/> 0-based (0 is key 1).</summary>
    private sealed class MixedRow
    {
        [VectorType(3)]
        public float[] Features { get; set; } = [];

        [KeyType(3)]
        public uint Color { get; set; }

        public bool Flag { get; set; }
    }
}

/// <summary>
/// The hostile-file tests share one <see cref="HostileFiles"/>, trained once, and run alone: ML.NET's own loader hands
/// mutated graphs to ONNX Runtime, and a full run once saw another test's valid graph fail ONNX Runtime's model
/// verification while they ran alongside it.
/// </summary>
[CollectionDefinition(nameof(HostileFiles), DisableParallelization = true)]
public sealed class HostileFilesCollection : ICollectionFixture<HostileFiles>;
