using Microsoft.ML;
using Microsoft.ML.Data;
using Vae.MLNet.Training;
using static TorchSharp.torch;

namespace Vae.MLNet.Tests;

public class PersistenceTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("vae-persistence-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static readonly VaeAnomalyDetectionTrainer.Options Detector = new() { Epochs = 8, Seed = 1, Contamination = 0.1 };
    private static readonly VaeEncodeEstimator.Options Encoder = new() { Epochs = 8, Seed = 2, LatentDimension = 3, LogVarianceColumnName = "LogVariance" };

    private (ITransformer Model, IDataView Data) FitMixedPipeline(MLContext ml)
    {
        var data = TestData.ToDataView(ml, TestData.Gaussian(2500, 50, seed: 3));
        var model = ml.Transforms.NormalizeMeanVariance("Features", fixZero: false)
            .Append(ml.Transforms.VaeEncode(Encoder))
            .Append(ml.AnomalyDetection.Trainers.Vae(Detector))
            .Fit(data);
        return (model, data);
    }

    private string SaveAndReload(ITransformer model, IDataView data, out ITransformer loaded, bool batched = false)
    {
        string path = Path.Combine(_folder, $"{Guid.NewGuid():N}.zip");
        new MLContext(seed: 1).Model.Save(model, data.Schema, path);
        var other = new MLContext(seed: 99);
        loaded = batched ? other.Model.LoadWithBatchedScoring(path, out _) : other.Model.Load(path, out _);
        return path;
    }

    private static void AssertSameColumns(IDataView expected, IDataView actual, params string[] columns)
    {
        foreach (var name in columns)
        {
            Assert.Equal(expected.Schema[name].Type, actual.Schema[name].Type);
            var type = expected.Schema[name].Type;
            if (type is VectorDataViewType)
            {
                var e = expected.GetColumn<float[]>(name).ToArray();
                var a = actual.GetColumn<float[]>(name).ToArray();
                Assert.Equal(e.Length, a.Length);
                for (int i = 0; i < e.Length; i++)
                    for (int j = 0; j < e[i].Length; j++)
                        Assert.Equal(e[i][j], a[i][j], 1e-5 * Math.Max(1, Math.Abs(e[i][j])));
            }
            else if (type == BooleanDataViewType.Instance)
                Assert.Equal(expected.GetColumn<bool>(name), actual.GetColumn<bool>(name));
            else
            {
                var e = expected.GetColumn<float>(name).ToArray();
                var a = actual.GetColumn<float>(name).ToArray();
                for (int i = 0; i < e.Length; i++)
                    Assert.Equal(e[i], a[i], 1e-5 * Math.Max(1, Math.Abs(e[i])));
            }
        }
    }

    [Trait("Category", "Slow")]
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AMixedPipelineGivesTheSameColumnsAndValuesAfterSaveAndLoad(bool batched)
    {
        var ml = new MLContext(seed: 1);
        var (model, data) = FitMixedPipeline(ml);
        SaveAndReload(model, data, out var loaded, batched);

        var before = model.Transform(data);
        var after = loaded.Transform(data);

        AssertSameColumns(before, after, "Features", "Latent", "LogVariance", "Score", "PredictedLabel");
        Assert.Equal(before.Schema.Where(c => !c.IsHidden).Select(c => c.Name), after.Schema.Where(c => !c.IsHidden).Select(c => c.Name));
        var metrics = ml.AnomalyDetection.Evaluate(after);
        Assert.Equal(ml.AnomalyDetection.Evaluate(before).AreaUnderRocCurve, metrics.AreaUnderRocCurve, 6);
    }

    [Fact]
    public void BatchedLoadingPutsTheVaeTransformersBack()
    {
        var (model, data) = FitMixedPipeline(new MLContext(seed: 1));
        SaveAndReload(model, data, out var loaded, batched: true);

        var chain = Assert.IsAssignableFrom<IEnumerable<ITransformer>>(loaded).ToArray();
        Assert.IsType<VaeEncodeTransformer>(chain[1]);
        var detector = Assert.IsType<VaeAnomalyDetectionTransformer>(chain[2]);
        Assert.Equal(((TransformerChain<VaeAnomalyDetectionTransformer>)model).LastTransformer.Threshold, detector.Threshold);
        Assert.Equal(((TransformerChain<VaeAnomalyDetectionTransformer>)model).LastTransformer.Calibration!.Values, detector.Calibration!.Values);
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void AChangedThresholdIsKeptAndPredictionEngineWorksOnTheLoadedModel()
    {
        var ml = new MLContext(seed: 1);
        var data = TestData.ToDataView(ml, TestData.Gaussian(500, 20));
        var detector = ml.AnomalyDetection.Trainers.Vae(Detector).Fit(data).WithContamination(0.3);
        SaveAndReload(detector, data, out var loaded);

        var engine = ml.Model.CreatePredictionEngine<LabelledRow, Prediction>(loaded, inputSchemaDefinition: TestData.SchemaFor(6));
        var rows = ml.Data.CreateEnumerable<LabelledRow>(data, reuseRowObject: false).Take(50).ToArray();
        var scores = TestData.Column(detector.Transform(data), "Score");
        for (int i = 0; i < rows.Length; i++)
        {
            var prediction = engine.Predict(rows[i]);
            Assert.Equal(scores[i], prediction.Score, 1e-5 * Math.Max(1, Math.Abs(scores[i])));
            Assert.Equal(prediction.Score > detector.Threshold, prediction.PredictedLabel);
        }
        Assert.Equal(detector.Transform(data).GetColumn<bool>("PredictedLabel"), loaded.Transform(data).GetColumn<bool>("PredictedLabel"));
    }

    [Trait("Category", "Slow")]
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ThresholdChangesAndPValuesWorkAfterEitherLoader(bool batched)
    {
        var ml = new MLContext(seed: 1);
        var data = TestData.ToDataView(ml, TestData.Gaussian(500, 40));
        var pipeline = ml.Transforms.NormalizeMeanVariance("Features", fixZero: false)
            .Append(ml.AnomalyDetection.Trainers.Vae(new VaeAnomalyDetectionTrainer.Options { Epochs = 8, Seed = 1, AddPValueColumn = true }))
            .Fit(data);
        SaveAndReload(pipeline, data, out var loaded, batched);

        AssertClose(TestData.Column(pipeline.Transform(data), "PValue"), TestData.Column(loaded.Transform(data), "PValue"));
        var expected = pipeline.WithContamination(0.02).Transform(data);
        var actual = loaded.WithContamination(ml, 0.02).Transform(data);
        Assert.Equal(expected.GetColumn<bool>("PredictedLabel"), actual.GetColumn<bool>("PredictedLabel"));
        Assert.Equal(TestData.Column(expected, "Score").Select(s => s > 1f), loaded.WithThreshold(ml, 1f).Transform(data).GetColumn<bool>("PredictedLabel"));
    }

    /// <summary>
    /// ML.NET's Model.Load hands a NaN feature to the graph of a detector that does not model missing values (our
    /// transformers refuse it): the row scores NaN, and is flagged, with the smallest p-value, not passed as normal.
    /// </summary>
    [Fact]
    public void ARowTheLoadedGraphCannotScoreIsFlaggedNotPassedAsNormal()
    {
        var ml = new MLContext(seed: 1);
        var options = new VaeAnomalyDetectionTrainer.Options { Epochs = 8, Seed = 1, Contamination = 0.1, AddPValueColumn = true };
        var train = TestData.ToDataView(ml, TestData.Gaussian(300, 0, seed: 3));
        var detector = ml.AnomalyDetection.Trainers.Vae(options).Fit(train);
        SaveAndReload(detector, train, out var loaded);
        var rows = TestData.Gaussian(4, 0, seed: 4);
        rows[1].Features[0] = float.NaN;

        var scored = loaded.Transform(TestData.ToDataView(ml, rows));

        var scores = scored.GetColumn<float>("Score").ToArray();
        Assert.True(float.IsNaN(scores[1]));
        Assert.True(scored.GetColumn<bool>("PredictedLabel").ElementAt(1));
        Assert.Equal(detector.Calibration!.SmallestFalseAlarmRate, scored.GetColumn<float>("PValue").ElementAt(1), 6);
        // Every other row as before, and as the fitted detector labels it.
        var fitted = detector.Transform(TestData.ToDataView(ml, rows.Where((_, i) => i != 1).ToArray())).GetColumn<bool>("PredictedLabel").ToArray();
        Assert.Equal(fitted, scored.GetColumn<bool>("PredictedLabel").Where((_, i) => i != 1).ToArray());
    }

    /// <summary>
    /// <c>Model.Save(model, loader, path)</c> nests the model one chain deeper in the zip than <c>Model.Save(model,
    /// schema, path)</c>, and ML.NET's <c>Load</c> returns it without that chain: the batched loader called such a file
    /// damaged ("does not have the shape its VAE components were saved in") where ML.NET's own loader scored it, and so
    /// it did a pipeline saved inside the loader.
    /// </summary>
    [Fact]
    public void APipelineSavedWithItsDataLoaderLoadsWithBatchedScoring()
    {
        var ml = new MLContext(seed: 1);
        var data = TestData.ToDataView(ml, TestData.Gaussian(300, 10));
        var loader = ml.Data.CreateTextLoader([new TextLoader.Column("Features", DataKind.Single, 0, 5), new TextLoader.Column("Label", DataKind.Single, 6)],
            separatorChar: ',', hasHeader: true);
        var pipeline = ml.Transforms.NormalizeMeanVariance("Features", fixZero: false).Append(ml.AnomalyDetection.Trainers.Vae(Detector)).Fit(data);
        var expected = pipeline.Transform(data);
        var normalized = pipeline.First().Transform(data);

        foreach (ITransformer model in new ITransformer[] { pipeline, pipeline.LastTransformer })
        {
            string path = Path.Combine(_folder, $"{Guid.NewGuid():N}.zip");
            ml.Model.Save(model, loader, path);
            var loaded = new MLContext(seed: 99).Model.LoadWithBatchedScoring(path, out var schema);

            Assert.Equal(loader.GetOutputSchema()["Features"].Type, schema["Features"].Type);
            var detector = model == pipeline ? Assert.IsAssignableFrom<IEnumerable<ITransformer>>(loaded).Last() : loaded;
            Assert.Equal(pipeline.LastTransformer.Threshold, Assert.IsType<VaeAnomalyDetectionTransformer>(detector).Threshold);
            var actual = loaded.Transform(model == pipeline ? data : normalized);
            Assert.Equal(TestData.Column(expected, "Score"), TestData.Column(actual, "Score"));
            Assert.Equal(expected.GetColumn<bool>("PredictedLabel"), actual.GetColumn<bool>("PredictedLabel"));
        }

        // A pipeline appended to the loader is saved inside the loader: ML.NET's Load returns the (empty) model beside
        // it, and so does the batched loader, instead of calling the file damaged.
        string inLoader = Path.Combine(_folder, "in-loader.zip");
        ml.Model.Save(new TransformerChain<ITransformer>(), loader.Append(pipeline), inLoader);
        var empty = new MLContext(seed: 99).Model.LoadWithBatchedScoring(inLoader, out _);
        Assert.Null(empty.Transform(data).Schema.GetColumnOrNull("Score"));
    }

    [Fact]
    public void APipelineWithoutADetectorHasNoThresholdToChange()
    {
        var ml = new MLContext(seed: 1);
        var data = TestData.ToDataView(ml, TestData.Gaussian(50, 0));
        var normalizer = ml.Transforms.NormalizeMeanVariance("Features").Fit(data);

        var error = Assert.Throws<InvalidOperationException>(() => normalizer.WithContamination(ml, 0.1));
        Assert.Contains("no VAE anomaly detector", error.Message);
    }

    [Fact]
    public void AFeaturizerWithASampledColumnRefusesToSaveWithAClearMessage()
    {
        var ml = new MLContext(seed: 1);
        var data = TestData.ToDataView(ml, TestData.Gaussian(100, 0));
        var model = ml.Transforms.VaeEncode(new VaeEncodeEstimator.Options { Epochs = 2, Seed = 1, SampleColumnName = "Z" }).Fit(data);

        var error = Assert.Throws<NotSupportedException>(() => ml.Model.Save(model, data.Schema, Path.Combine(_folder, "z.zip")));
        Assert.Contains("'Z'", error.Message);
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void TheOwnModelFileRoundTripsAndRejectsOtherFiles()
    {
        var ml = new MLContext(seed: 1);
        var data = TestData.ToDataView(ml, TestData.Gaussian(200, 0));
        var model = ml.AnomalyDetection.Trainers.Vae(Detector).Fit(data).Model;
        string path = Path.Combine(_folder, "vae.onnx");
        model.Save(path);

        var loaded = VaeModelFile.Load(path);
        Assert.Equal(model.OutputLogVariance, loaded.OutputLogVariance);
        Assert.Equal(model.EncoderLayers[0].Weight, loaded.EncoderLayers[0].Weight);
        Assert.Equal(model.OutputLayer.Bias, loaded.OutputLayer.Bias);
        Assert.Equal(model.Activation, loaded.Activation);
        Assert.Equal(model.TrainingCodes!.Means, loaded.TrainingCodes!.Means);
        Assert.Equal(model.TrainingCodes.LogVariances, loaded.TrainingCodes.LogVariances);

        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        Assert.Contains("truncated or corrupted", Assert.Throws<InvalidDataException>(() => VaeModelFile.Load(path)).Message);

        File.WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes("PK not a model"));
        Assert.Contains("mlContext.Model.Load", Assert.Throws<InvalidDataException>(() => VaeModelFile.Load(path)).Message);

        File.WriteAllBytes(path, VaeOnnxGraph.Build(model, new VaeGraphOptions { Metadata = new Dictionary<string, string> { [VaeOnnxMetadata.Format] = "7" } }));
        Assert.Contains("format version 7", Assert.Throws<InvalidDataException>(() => VaeModelFile.Load(path)).Message);
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void ACorruptedOrTruncatedZipFailsWithAnExceptionNotACrash()
    {
        var ml = new MLContext(seed: 1);
        var data = TestData.ToDataView(ml, TestData.Gaussian(200, 10));
        var detector = ml.AnomalyDetection.Trainers.Vae(Detector).Fit(data);
        string path = Path.Combine(_folder, "model.zip");
        ml.Model.Save(detector, data.Schema, path);
        var bytes = File.ReadAllBytes(path);

        File.WriteAllBytes(path, bytes[..(bytes.Length * 2 / 3)]);
        Assert.ThrowsAny<Exception>(() => ml.Model.Load(path, out _));
        Assert.ThrowsAny<Exception>(() => ml.Model.LoadWithBatchedScoring(path, out _));

        // The first 64 compressed bytes of the ONNX graph's entry (its deflate block header and code tables), found
        // after the entry's name in its local header: flipped bytes deeper in may fall in a stored block of weights,
        // which then decompress to other finite weights that no reader can tell from trained ones.
        var flipped = (byte[])bytes.Clone();
        int start = bytes.AsSpan().IndexOf("OnnxModel"u8) + "OnnxModel".Length;
        for (int i = start; i < start + 64; i++)
            flipped[i] ^= 0x5A;
        File.WriteAllBytes(path, flipped);
        Assert.ThrowsAny<Exception>(() => ml.Model.LoadWithBatchedScoring(path, out _).Transform(data).GetColumn<float>("Score").ToArray());
    }

    [Theory]
    [InlineData(VaeActivation.Relu)]
    [InlineData(VaeActivation.Tanh)]
    [InlineData(VaeActivation.Elu)]
    [InlineData(VaeActivation.LeakyRelu)]
    [InlineData(VaeActivation.Silu)]
    public void EveryActivationComputesInTorchSharpWhatItsOnnxGraphComputes(VaeActivation activation)
    {
        // ELU and leaky ReLU train through KeptScalarActivation, not TorchSharp's modules: the same function as the graph's node.
        var model = VaeOnnxGraphTests.RandomModel(activation, VaeLikelihood.Gaussian, seed: 5);
        var random = new Random(6);
        var rows = Enumerable.Range(0, 64).Select(_ => Enumerable.Range(0, model.InputDimension).Select(_ => (float)(3 * random.NextDouble() - 1.5)).ToArray()).ToArray();

        using var network = VaeNetwork.FromModel(model);
        network.eval();
        using var noGrad = no_grad();
        using var x = tensor(rows.SelectMany(r => r).ToArray(), new long[] { rows.Length, model.InputDimension });
        var forward = network.forward(x);
        var means = model.Encode(rows);
        AssertClose(means.SelectMany(m => m).ToArray(), forward.Mean.data<float>().ToArray());
        AssertClose(model.Decode(means).SelectMany(r => r).ToArray(), forward.Decoded.data<float>().ToArray());
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void OnnxRuntimeMatchesTorchSharpOnRealData()
    {
        var ml = new MLContext(seed: 0);
        var train = TestData.LoadSplit(ml, "cardio", 0, "train");
        var normalizer = ml.Transforms.NormalizeMeanVariance("Features", fixZero: false).Fit(train);
        var features = normalizer.Transform(TestData.LoadSplit(ml, "cardio", 0, "test"));
        var detector = ml.AnomalyDetection.Trainers.Vae(new VaeAnomalyDetectionTrainer.Options { Epochs = 20, Seed = 0, Score = VaeScoreKind.NegativeElbo }).Fit(normalizer.Transform(train));
        var rows = features.GetColumn<float[]>("Features").ToArray();
        var onnx = detector.Transform(features);
        var onnxScores = TestData.Column(onnx, "Score");

        using var network = VaeNetwork.FromModel(detector.Model);
        network.eval();
        using var noGrad = no_grad();
        using var x = tensor(rows.SelectMany(r => r).ToArray(), new long[] { rows.Length, rows[0].Length });
        var forward = network.forward(x);
        using var torchScores = VaeLoss.Reconstruction(x, forward.Decoded, network.OutputLogVariance, VaeLikelihood.Gaussian)
            + VaeLoss.KlDivergence(forward.Mean, forward.LogVariance);
        AssertClose(torchScores.data<float>().ToArray(), onnxScores);

        string path = Path.Combine(_folder, "detector.onnx");
        detector.ExportOnnx(path);
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(path);
        using var input = Microsoft.ML.OnnxRuntime.OrtValue.CreateTensorValueFromMemory(rows.SelectMany(r => r).ToArray(), [rows.Length, rows[0].Length]);
        using var outputs = session.Run(new Microsoft.ML.OnnxRuntime.RunOptions(), ["features"], [input], ["latent_mean", "reconstruction", "score", "predicted_label"]);
        AssertClose(forward.Mean.data<float>().ToArray(), outputs[0].GetTensorDataAsSpan<float>().ToArray());
        AssertClose(forward.Decoded.data<float>().ToArray(), outputs[1].GetTensorDataAsSpan<float>().ToArray());
        AssertClose(onnxScores, outputs[2].GetTensorDataAsSpan<float>().ToArray());
        Assert.Equal(onnxScores.Select(s => s > detector.Threshold), outputs[3].GetTensorDataAsSpan<bool>().ToArray());
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void TheDetectorsOnnxFileFlagsAsTheDetectorDoesAndTheNetworksOwnFileScoresOtherwise()
    {
        // More than 1,024 training rows: the detector weighs the latent term below the network's default of 2.
        var ml = new MLContext(seed: 0);
        var detector = ml.AnomalyDetection.Trainers.Vae(Detector).Fit(TestData.ToDataView(ml, TestData.Gaussian(2500, 0, seed: 4)));
        var newRows = TestData.ToDataView(ml, TestData.Gaussian(400, 40, seed: 5));
        var scored = detector.Transform(newRows);
        var rows = newRows.GetColumn<float[]>("Features").ToArray();
        string detectorFile = Path.Combine(_folder, "detector.onnx"), networkFile = Path.Combine(_folder, "network.onnx");
        detector.ExportOnnx(detectorFile);
        detector.Model.ExportOnnx(networkFile);

        var (scores, labels) = RunOnnx(detectorFile, rows, "predicted_label");
        AssertClose(TestData.Column(scored, "Score"), scores);
        Assert.Equal(scored.GetColumn<bool>("PredictedLabel"), labels!);
        // The network alone does not know the detector's latent weight: comparing its score with the threshold misleads.
        var (networkScores, _) = RunOnnx(networkFile, rows, null);
        Assert.True(networkScores.Zip(scores).Max(p => Math.Abs(p.First - p.Second)) > 1);
    }

    private static (float[] Scores, bool[]? Labels) RunOnnx(string path, float[][] rows, string? labelOutput)
    {
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(path);
        using var input = Microsoft.ML.OnnxRuntime.OrtValue.CreateTensorValueFromMemory(rows.SelectMany(r => r).ToArray(), [rows.Length, rows[0].Length]);
        string[] outputs = labelOutput is null ? ["score"] : ["score", labelOutput];
        using var values = session.Run(new Microsoft.ML.OnnxRuntime.RunOptions(), ["features"], [input], outputs);
        return (values[0].GetTensorDataAsSpan<float>().ToArray(), labelOutput is null ? null : values[1].GetTensorDataAsSpan<bool>().ToArray());
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.Equal(expected[i], actual[i], 1e-5 * Math.Max(1, Math.Abs(expected[i])));
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void ALoadedModelNamesBothSizesWhenTheFeaturesHaveAnotherWidth()
    {
        var ml = new MLContext(seed: 1);
        var data = TestData.ToDataView(ml, TestData.Gaussian(100, 0, dimension: 6));
        SaveAndReload(ml.AnomalyDetection.Trainers.Vae(Detector).Fit(data), data, out var loaded, batched: true);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => loaded.Transform(TestData.ToDataView(ml, TestData.Gaussian(10, 0, dimension: 4))));
        Assert.Contains("has 4 features, but the model was trained on 6", error.Message);
    }

    [Fact]
    public void AModelOfOneFeatureAndADecoderOfOneLatentDimensionScoreAfterModelLoad()
    {
        // ML.NET's OnnxTransformer feeds a Single column, or a vector of one slot, as [1, 1]; the saved graphs declared
        // such an input [1], and every loaded model of one feature (or decoder of one latent dimension) failed to score
        // with ONNX Runtime's "Invalid rank for input".
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 60).Select(i => new OneValueRow { Features = MathF.Sin(i) }).ToArray());
        var options = new VaeEncodeEstimator.Options { Epochs = 1, Seed = 1, LatentDimension = 1, HiddenLayerSizes = [4], ReconstructionColumnName = "Reconstruction" };
        var encode = ml.Transforms.VaeEncode(options).Fit(data);
        var pipeline = encode.Append(ml.Transforms.VaeDecode(encode.Model, "Decoded", "Latent").Fit(encode.Transform(data)));
        var detector = ml.AnomalyDetection.Trainers.Vae(new VaeAnomalyDetectionTrainer.Options { Epochs = 1, Seed = 1, LatentDimension = 1, HiddenLayerSizes = [4] }).Fit(data);
        var inPlace = ml.Transforms.VaeEncode("Features", latentDimension: 1, epochs: 1, seed: 1).Fit(data);

        SaveAndReload(pipeline, data, out var loadedPipeline);
        SaveAndReload(detector, data, out var loadedDetector);
        SaveAndReload(inPlace, data, out var loadedInPlace);

        AssertSameColumns(pipeline.Transform(data), loadedPipeline.Transform(data), "Latent", "Reconstruction", "Decoded");
        AssertSameColumns(detector.Transform(data), loadedDetector.Transform(data), "Score", "PredictedLabel");
        AssertSameColumns(inPlace.Transform(data), loadedInPlace.Transform(data), "Features");
    }

    private sealed class OneValueRow
    {
        public float Features { get; set; }
    }

    private sealed class Prediction
    {
        public float Score { get; set; }
        public bool PredictedLabel { get; set; }
    }
}
