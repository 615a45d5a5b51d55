using Google.Protobuf;
using Microsoft.ML;
using Onnx;
using Vae.MLNet.Training;
using Xunit.Abstractions;

namespace Vae.MLNet.Tests.Hostile;

/// <summary>
/// Vae.MLNet's own model file (written by <c>model.Save</c>) and an exported detector ONNX file, both read back with
/// <see cref="VaeModelFile.Load"/>, fed hostile variants: each must give a model that scores a row, or an
/// <see cref="InvalidDataException"/>, within the time and allocation bounds. Crafted files pin down each lie the
/// reader once let through.
/// </summary>
public sealed class ModelFileHostileTests(ModelFileHostileTests.Files files, ITestOutputHelper output) : IClassFixture<ModelFileHostileTests.Files>, IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"vae-crafted-{Guid.NewGuid():N}.onnx");

    public void Dispose() => File.Delete(_path);

    /// <summary>A tiny detector's files, written once for the class.</summary>
    public sealed class Files
    {
        public Files()
        {
            var ml = new MLContext(seed: 1);
            var data = TestData.ToDataView(ml, TestData.Gaussian(300, 0));
            var detector = ml.AnomalyDetection.Trainers.Vae(new VaeAnomalyDetectionTrainer.Options { Epochs = 3, Seed = 1 }).Fit(data);
            string path = Path.Combine(Path.GetTempPath(), $"vae-hostile-{Guid.NewGuid():N}.onnx");
            try
            {
                detector.Model.Save(path);
                ModelFile = File.ReadAllBytes(path);
                detector.ExportOnnx(path);
                ExportedDetector = File.ReadAllBytes(path);
            }
            finally
            {
                File.Delete(path);
            }
        }

        public byte[] ModelFile { get; }

        public byte[] ExportedDetector { get; }
    }

    [Fact]
    public void TheOwnModelFileGivesAModelOrInvalidDataException() =>
        Fuzz("VaeModelFile.Load of model.Save", files.ModelFile, seed: 1_000_000);

    [Fact]
    public void AnExportedDetectorGivesAModelOrInvalidDataException() =>
        Fuzz("VaeModelFile.Load of detector.ExportOnnx", files.ExportedDetector, seed: 2_000_000);

    private void Fuzz(string loader, byte[] original, int seed)
    {
        var tally = LoaderFuzzer.Run(FuzzProfile.InputsPerLoader, seed,
            random => random.Next(2) == 0 ? ByteMutator.Mutate(original, random) : OnnxMutator.Mutate(original, random),
            path => HostileScoring.ScoreOneRow(VaeModelFile.Load(path)),
            error => error is InvalidDataException);

        output.WriteLine(tally.Summary(loader));
        Assert.True(tally.Failures.Count == 0, string.Join(Environment.NewLine, tally.Failures.Take(20)));
        // Both ends were reached: some variants load (harmless mutations), most are refused.
        Assert.Contains("ok", tally.Outcomes.Keys);
        Assert.Contains(tally.Outcomes.Keys, outcome => outcome.StartsWith(nameof(InvalidDataException), StringComparison.Ordinal));
    }

    [Fact]
    public void ALayerCountTheWeightsCannotBackIsRefusedBeforeAnythingIsAllocatedForIt()
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = LoadEdited(model => SetMetadata(model, VaeOnnxMetadata.EncoderLayers, "2147483647"));

        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20);
        Assert.Contains("2147483647 encoder layers", error.Message);
    }

    [Theory]
    [InlineData("7")]
    [InlineData("-1")]
    [InlineData("Relu, Tanh")]
    [InlineData("relu")]
    public void AnActivationThatIsNoMemberNameIsRefused(string activation)
    {
        var error = LoadEdited(model => SetMetadata(model, VaeOnnxMetadata.Activation, activation));

        Assert.Contains($"'{activation}' is not a VaeActivation", error.Message);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void ANonFiniteWeightIsRefused(float value)
    {
        var error = LoadEdited(model => Weight(model, "decoder.0.weight").FloatData[3] = value);

        Assert.Contains($"'decoder.0.weight' holds {value} at position 3", error.Message);
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("1e40")]
    public void ANonFiniteOutputLogVarianceIsRefused(string value)
    {
        var error = LoadEdited(model => SetMetadata(model, VaeOnnxMetadata.OutputLogVariance, $"0 {value} 0 0 0 0"));

        Assert.Contains($"'{value}' is not a finite number", error.Message);
    }

    [Fact]
    public void DimensionsWhoseProductOverflowsAnIntAreRefused()
    {
        var error = LoadEdited(model =>
        {
            var weight = Weight(model, "mean.weight");
            weight.Dims.Clear();
            weight.Dims.AddRange([65536, 65536]);
            weight.FloatData.Clear();
        });

        Assert.Contains("holds 0 values for a 65536x65536 matrix", error.Message);
    }

    private InvalidDataException LoadEdited(Action<ModelProto> edit)
    {
        var model = ModelProto.Parser.ParseFrom(files.ModelFile);
        edit(model);
        File.WriteAllBytes(_path, model.ToByteArray());
        var error = Assert.Throws<InvalidDataException>(() => VaeModelFile.Load(_path));
        Assert.StartsWith($"{_path} is damaged:", error.Message);
        return error;
    }

    private static void SetMetadata(ModelProto model, string key, string value) =>
        model.MetadataProps.Single(p => p.Key == key).Value = value;

    private static TensorProto Weight(ModelProto model, string name) => model.Graph.Initializer.Single(t => t.Name == name);
}
