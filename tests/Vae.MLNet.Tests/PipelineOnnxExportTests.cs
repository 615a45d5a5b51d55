using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.ML.Transforms;
using Vae.MLNet.Training;

namespace Vae.MLNet.Tests;

/// <summary>A raw row as a user's data has it: separate scalar columns and a vector, before any preprocessing.</summary>
public sealed class RawRow
{
    public float A { get; set; }

    public float B { get; set; }

    public float C { get; set; }

    [VectorType(4)]
    public float[] V { get; set; } = [];

    public float Label { get; set; }
}

/// <summary>
/// The whole-pipeline ONNX export (<see cref="VaePipelineOnnxExport"/>): for each preprocessing step it translates,
/// the exported file, scored by ONNX Runtime from the raw columns, gives the scores, labels, p-values and latent
/// vectors of the ML.NET pipeline within 1e-5 relative; a step it cannot translate is refused by name.
/// </summary>
public sealed class PipelineOnnxExportTests
{
    private const double Tolerance = 1e-5;
    private static readonly string[] RawColumns = ["A", "B", "C", "V"];

    public static TheoryData<string> Preprocessing() => new(Pipelines.Keys);

    // Each ends with a 7-wide Single vector "Features" (A, B, C and the 4 slots of V), what the detector reads.
    private static readonly Dictionary<string, Func<MLContext, IEstimator<ITransformer>>> Pipelines = new()
    {
        ["Concatenate"] = ml => Concatenate(ml),
        ["NormalizeMeanVariance"] = ml => Concatenate(ml).Append(ml.Transforms.NormalizeMeanVariance("Features", fixZero: false)),
        ["NormalizeMeanVariance with the CDF"] = ml => Concatenate(ml).Append(ml.Transforms.NormalizeMeanVariance("Features", useCdf: true)),
        ["NormalizeMinMax"] = ml => Concatenate(ml).Append(ml.Transforms.NormalizeMinMax("Features", fixZero: false)),
        ["NormalizeMinMax fixing zero"] = ml => Concatenate(ml).Append(ml.Transforms.NormalizeMinMax("Features")),
        ["NormalizeLogMeanVariance"] = ml => Concatenate(ml).Append(ml.Transforms.NormalizeLogMeanVariance("Features")),
        ["NormalizeLogMeanVariance without the CDF"] = ml => Concatenate(ml).Append(ml.Transforms.NormalizeLogMeanVariance("Features", useCdf: false)),
        ["NormalizeRobustScaling"] = ml => Concatenate(ml).Append(ml.Transforms.NormalizeRobustScaling("Features")),
        ["normalizers on single columns"] = ml => ml.Transforms.NormalizeMinMax("A")
            .Append(ml.Transforms.NormalizeLogMeanVariance("B"))
            .Append(ml.Transforms.NormalizeMeanVariance("V2", "V"))
            .Append(ml.Transforms.Concatenate("Features", "A", "B", "C", "V2")),
        ["ReplaceMissingValues"] = ml => ml.Transforms.ReplaceMissingValues("A", replacementMode: MissingValueReplacingEstimator.ReplacementMode.Mean)
            .Append(ml.Transforms.ReplaceMissingValues("V", replacementMode: MissingValueReplacingEstimator.ReplacementMode.Maximum, imputeBySlot: true))
            .Append(ml.Transforms.ReplaceMissingValues("C", replacementMode: MissingValueReplacingEstimator.ReplacementMode.Minimum, imputeBySlot: false))
            .Append(Concatenate(ml)).Append(ml.Transforms.NormalizeMeanVariance("Features")),
        ["CopyColumns, DropColumns and SelectColumns"] = ml => ml.Transforms.CopyColumns("A2", "A")
            .Append(ml.Transforms.SelectColumns("A2", "B", "C", "V"))
            .Append(ml.Transforms.Concatenate("Features", "A2", "B", "C", "V"))
            .Append(ml.Transforms.DropColumns("A2")),
    };

    [Theory]
    [MemberData(nameof(Preprocessing))]
    public void EachTranslatedStepScoresAsThePipeline(string preprocessing)
    {
        var ml = new MLContext(seed: 1);
        var data = RawData(ml, missing: preprocessing == "ReplaceMissingValues");
        var pipeline = WithDetector(Pipelines[preprocessing](ml), data);

        AssertSameOutputs(pipeline, data, Export(ml, pipeline, data));
    }

    [Fact]
    public void TheEncoderAndTheDetectorExportTogether()
    {
        var ml = new MLContext(seed: 1);
        var data = RawData(ml);
        var prepared = Pipelines["NormalizeMeanVariance"](ml).Fit(data);
        var encode = new VaeEncodeTransformer(VaeOnnxGraphTests.RandomModel(VaeActivation.Tanh, VaeLikelihood.Gaussian, seed: 3), "Latent", "Features",
            logVarianceColumnName: "LatentLogVariance");
        var pipeline = new TransformerChain<ITransformer>(prepared, encode, Detector(prepared.Transform(data)));

        var onnx = Export(ml, pipeline, data);

        using var session = new InferenceSession(onnx);
        Assert.Equal(new[] { "Latent", "LatentLogVariance", "latent_mean", "p_value", "predicted_label", "score" }, session.OutputMetadata.Keys.Order(StringComparer.Ordinal));
        AssertSameOutputs(pipeline, data, onnx);
    }

    /// <summary>
    /// A detector trained on the codes of a <c>VaeEncode</c> exports with it: the second VAE's graph reads the first's
    /// latent mean (before, the export refused a VAE reading another's column).
    /// </summary>
    [Fact]
    public void ADetectorOnTheEncodersCodesExports()
    {
        var ml = new MLContext(seed: 1);
        var data = RawData(ml);
        var pipeline = Pipelines["NormalizeMeanVariance"](ml)
            .Append(ml.Transforms.VaeEncode(new VaeEncodeEstimator.Options { OutputColumnName = "Latent", InputColumnName = "Features", LatentDimension = 3, Epochs = 3, Seed = 1 }))
            .Append(ml.AnomalyDetection.Trainers.Vae(new VaeAnomalyDetectionTrainer.Options { FeatureColumnName = "Latent", Epochs = 3, Seed = 1, AddPValueColumn = true }))
            .Fit(data);

        var onnx = Export(ml, pipeline, data);

        using var session = new InferenceSession(onnx);
        Assert.Equal(new[] { "Latent", "latent_mean", "p_value", "predicted_label", "score" }, session.OutputMetadata.Keys.Order(StringComparer.Ordinal));
        AssertSameOutputs(pipeline, data, onnx);
        var saved = new MemoryStream();
        ml.Model.Save(pipeline, data.Schema, saved);
        saved.Position = 0;
        AssertSameOutputs(pipeline, data, Export(ml, ml.Model.Load(saved, out _), data));
    }

    /// <summary>
    /// ML.NET's mean–variance normalizer fits on the observed values and maps NaN to NaN, so a model of missing values
    /// behind it sees the missing cells, in ML.NET and in the exported graph alike.
    /// </summary>
    [Fact]
    public void APipelineOfMissingValuesCarriesNaNThroughTheNormalizerToTheModel()
    {
        var ml = new MLContext(seed: 1);
        var rows = TestData.Gaussian(300, 10);
        TestData.HideCells(rows, 0.2, seed: 2);
        var data = TestData.ToDataView(ml, rows);
        var pipeline = ml.Transforms.NormalizeMeanVariance("Features", fixZero: false)
            .Append(ml.AnomalyDetection.Trainers.Vae(new VaeAnomalyDetectionTrainer.Options { Epochs = 5, Seed = 1, AddPValueColumn = true, MissingValues = VaeMissingValues.Model }))
            .Fit(data);

        Assert.All(TestData.Column(pipeline.Transform(data), "Score"), s => Assert.True(float.IsFinite(s)));
        AssertSameOutputs(pipeline, data, Export(ml, pipeline, data));
    }

    [Fact]
    public void ATrainedPipelineExportsWithItsCalibratedThresholdAndPValues()
    {
        var ml = new MLContext(seed: 1);
        var data = RawData(ml);
        var pipeline = Concatenate(ml).Append(ml.Transforms.NormalizeMinMax("Features"))
            .Append(ml.AnomalyDetection.Trainers.Vae(new VaeAnomalyDetectionTrainer.Options { Epochs = 5, Seed = 1, AddPValueColumn = true }))
            .Fit(data);
        Assert.Equal(VaeScoreKind.AggregatePosterior, pipeline.LastTransformer.Scoring.Kind);

        AssertSameOutputs(pipeline, data, Export(ml, pipeline, data));
    }

    [Fact]
    public void TheExportedFilesNameInTheirMetadataTheThresholdTheirLabelsUse()
    {
        // A host without this library reads the threshold from the file: after WithThreshold and WithContamination too,
        // where it is no longer the trained one, and +∞ (no row flagged) in a form Python's float() reads.
        var ml = new MLContext(seed: 1);
        var data = RawData(ml);
        var pipeline = WithDetector(Concatenate(ml), data);
        var detector = (VaeAnomalyDetectionTransformer)pipeline.Last();
        foreach (var (changed, expected) in new[] { (detector.WithThreshold(2.5f), "2.5"), (detector.WithContamination(0), "Infinity") })
        {
            string file = Path.Combine(Path.GetTempPath(), $"vae-threshold-{Guid.NewGuid():N}.onnx");
            changed.ExportOnnx(file);
            byte[] detectorFile = File.ReadAllBytes(file);
            File.Delete(file);
            byte[] pipelineFile = Export(ml, new TransformerChain<ITransformer>(pipeline.Take(pipeline.Count() - 1).Append(changed).ToArray()), data);
            foreach (var onnx in new[] { detectorFile, pipelineFile })
            {
                using var session = new InferenceSession(onnx);
                Assert.Equal(expected, session.ModelMetadata.CustomMetadataMap["vae_mlnet.threshold"]);
            }
        }
    }

    [Fact]
    public void ASavedAndReloadedPipelineExportsToo()
    {
        var ml = new MLContext(seed: 1);
        var data = RawData(ml);
        var pipeline = WithDetector(Pipelines["NormalizeLogMeanVariance"](ml), data);
        string path = Path.Combine(Path.GetTempPath(), $"vae-export-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(pipeline, data.Schema, path);
            var loaded = ml.Model.Load(path, out var schema);
            var batched = ml.Model.LoadWithBatchedScoring(path, out _);

            // The originals' values, from the exports of what each load gives back.
            AssertSameOutputs(pipeline, data, Export(ml, loaded, data));
            AssertSameOutputs(pipeline, data, Export(ml, batched, data));
            using var session = new InferenceSession(Export(ml, loaded, data));
            Assert.Equal(RawColumns, session.InputMetadata.Keys.Order(StringComparer.Ordinal));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void AStepWithoutATranslationIsRefusedByName()
    {
        var ml = new MLContext(seed: 1);
        var data = RawData(ml);
        var pipeline = WithDetector(Concatenate(ml)
            .Append(ml.Transforms.CustomMapping<FeaturesRow, FeaturesRow>((input, output) => output.Features = [.. input.Features.Select(v => 2 * v)], null)), data);

        Assert.Contains("CustomMappingTransformer<FeaturesRow, FeaturesRow>", Refusal(ml, pipeline, data));
    }

    [Fact]
    public void ABinningNormalizerIsRefusedByName()
    {
        var ml = new MLContext(seed: 1);
        var data = RawData(ml);
        var message = Refusal(ml, WithDetector(Concatenate(ml).Append(ml.Transforms.NormalizeBinning("Features")), data), data);

        Assert.Contains("NormalizingTransformer", message);
        Assert.Contains("BinNormalizerModelParameters", message);
    }

    [Fact]
    public void APipelineWithoutAVaeIsRefused()
    {
        var ml = new MLContext(seed: 1);
        var data = RawData(ml);
        Assert.Contains("no VAE component", Refusal(ml, Pipelines["NormalizeMinMax"](ml).Fit(data), data));
    }

    [Fact]
    public void AnInputSchemaOfOtherSizesThanThePipelineWasFittedForIsRefused()
    {
        // ML.NET's fitted normalizer accepts a vector of another size and declares the fitted one: the export wrote a
        // file that ONNX Runtime refused to load ("Incompatible dimensions"), with no word from the export.
        var ml = new MLContext(seed: 1);
        var data = RawData(ml);
        var pipeline = WithDetector(Pipelines["NormalizeMeanVariance"](ml), data);
        var builder = new DataViewSchema.Builder();
        foreach (var column in data.Schema)
            builder.AddColumn(column.Name, column.Name == "V" ? new VectorDataViewType(NumberDataViewType.Single, 5) : column.Type);

        var error = Assert.Throws<ArgumentException>(() => ml.Model.ExportVaePipelineToOnnx(pipeline, builder.ToSchema(), new MemoryStream()));
        Assert.Equal("inputSchema", error.ParamName);
        Assert.Contains("fitted for 7 values of 'Features', but the schema gives it 8", error.Message);
    }

    public sealed class FeaturesRow
    {
        [VectorType(VaeOnnxGraphTests.D)]
        public float[] Features { get; set; } = [];
    }

    private static IEstimator<ITransformer> Concatenate(MLContext ml) => ml.Transforms.Concatenate("Features", RawColumns);

    /// <summary>
    /// Seeded rows on varied scales, positive but for a few zeros (which the log normalizer maps to 0); with
    /// <paramref name="missing"/>, NaN in some of A, C and V.
    /// </summary>
    private static IDataView RawData(MLContext ml, bool missing = false)
    {
        var random = new Random(7);
        // B is never missing: no step replaces its missing values.
        float Value(double scale, int row, int slot) =>
            missing && slot != 20 && (row + slot) % 11 == 0 ? float.NaN : row % 17 == slot ? 0f : (float)(scale * (0.1 + random.NextDouble()));
        var rows = Enumerable.Range(0, 300).Select(r => new RawRow
        {
            A = Value(1, r, 0), B = Value(100, r, 20), C = Value(0.01, r, 2),
            V = [.. Enumerable.Range(0, 4).Select(j => Value(j + 1, r, j + 3))],
        }).ToArray();
        return ml.Data.LoadFromEnumerable(rows);
    }

    /// <summary><paramref name="preprocessing"/> fitted on <paramref name="data"/>, followed by a <see cref="Detector"/>.</summary>
    private static TransformerChain<ITransformer> WithDetector(IEstimator<ITransformer> preprocessing, IDataView data)
    {
        var prepared = preprocessing.Fit(data);
        return new TransformerChain<ITransformer>(prepared, Detector(prepared.Transform(data)));
    }

    /// <summary>The message of the exception the export of <paramref name="pipeline"/> is refused with.</summary>
    private static string Refusal(MLContext ml, ITransformer pipeline, IDataView data) =>
        Assert.Throws<NotSupportedException>(() => ml.Model.ExportVaePipelineToOnnx(pipeline, data.Schema, new MemoryStream())).Message;

    /// <summary>A detector over a random network, with calibration scores from <paramref name="prepared"/>'s rows and p-values.</summary>
    private static VaeAnomalyDetectionTransformer Detector(IDataView prepared)
    {
        var model = VaeOnnxGraphTests.RandomModel(VaeActivation.Relu, VaeLikelihood.Gaussian, seed: 1);
        var scores = new VaeAnomalyDetectionTransformer(model, "Features", 0).Transform(prepared).GetColumn<float>("Score").ToArray();
        var calibration = CalibrationScores.FromScores(scores);
        return new VaeAnomalyDetectionTransformer(model, "Features", calibration.ThresholdFor(0.1), calibration, addPValueColumn: true);
    }

    private static byte[] Export(MLContext ml, ITransformer pipeline, IDataView data)
    {
        var stream = new MemoryStream();
        ml.Model.ExportVaePipelineToOnnx(pipeline, data.Schema, stream);
        return stream.ToArray();
    }

    /// <summary>
    /// Scores the raw columns of <paramref name="data"/> with ONNX Runtime and compares every output the file has with
    /// the column of the pipeline's output it stands for.
    /// </summary>
    private static void AssertSameOutputs(ITransformer pipeline, IDataView data, byte[] onnx)
    {
        var expected = pipeline.Transform(data);
        using var session = new InferenceSession(onnx);
        var inputs = session.InputMetadata.Keys.Select(name =>
        {
            var values = data.Schema[name].Type is VectorDataViewType
                ? data.GetColumn<float[]>(name).ToArray()
                : data.GetColumn<float>(name).Select(v => new[] { v }).ToArray();
            return NamedOnnxValue.CreateFromTensor(name, new DenseTensor<float>(values.SelectMany(v => v).ToArray(), [values.Length, values[0].Length]));
        }).ToArray();
        Assert.NotEmpty(inputs);
        using var results = session.Run(inputs);
        var outputs = results.ToDictionary(r => r.Name);

        AssertClose(TestData.Column(expected, "Score"), outputs["score"].AsEnumerable<float>().ToArray());
        Assert.Equal(expected.GetColumn<bool>("PredictedLabel").ToArray(), outputs["predicted_label"].AsEnumerable<bool>().ToArray());
        AssertClose(TestData.Column(expected, "PValue"), outputs["p_value"].AsEnumerable<float>().ToArray());
        foreach (var latent in new[] { "Latent", "LatentLogVariance" }.Where(outputs.ContainsKey))
            AssertClose(expected.GetColumn<float[]>(latent).SelectMany(v => v).ToArray(), outputs[latent].AsEnumerable<float>().ToArray());
        Assert.Equal(outputs["score"].AsTensor<float>().Dimensions[0], outputs["latent_mean"].AsTensor<float>().Dimensions[0]);
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= Tolerance * Math.Max(1, Math.Abs(expected[i])),
                $"value {i}: ML.NET {expected[i]}, ONNX {actual[i]}");
    }
}
