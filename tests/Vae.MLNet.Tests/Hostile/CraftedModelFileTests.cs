using Google.Protobuf;
using Onnx;

namespace Vae.MLNet.Tests.Hostile;

/// <summary>
/// Model files crafted to tell each lie that <see cref="VaeModelFile.Load"/> once let through, as an undocumented
/// exception, an allocation the file could not back, or a model that failed on its first row.
/// </summary>
[Collection(nameof(HostileFiles))]
public sealed class CraftedModelFileTests(HostileFiles files) : CraftedFileTests(".onnx")
{
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

    [Fact]
    public void TrainingCodesThatAreDamagedAreRefused()
    {
        Assert.Contains("holds only one of 'training_codes.mean' and 'training_codes.log_variance'",
            LoadEdited(model => model.Graph.Initializer.Remove(Weight(model, AggregatePosteriorDensity.LogVariancesName))).Message);
        Assert.Contains("not two equal matrices", LoadEdited(model => Weight(model, AggregatePosteriorDensity.MeansName).Dims[1] = 5).Message);
        Assert.Contains("'training_codes.log_variance' holds NaN at position 7",
            LoadEdited(model => Weight(model, AggregatePosteriorDensity.LogVariancesName).FloatData[7] = float.NaN).Message);
        Assert.Contains("for a 40000x",
            LoadEdited(model =>
            {
                Weight(model, AggregatePosteriorDensity.MeansName).Dims[0] = 40000;
                Weight(model, AggregatePosteriorDensity.LogVariancesName).Dims[0] = 40000;
            }).Message);
    }

    [Fact]
    public void MinorComponentsThatAreDamagedAreRefused()
    {
        Assert.Contains("holds only one of 'minor_components.mean' and 'minor_components.scaled_vectors'",
            LoadEdited(model => model.Graph.Initializer.Remove(Weight(model, MinorComponentsTerm.VectorsName))).Message);
        Assert.Contains("not a filled [D] mean and [D, m] vectors", LoadEdited(model => Weight(model, MinorComponentsTerm.VectorsName).Dims[0] = 5).Message);
        Assert.Contains("not a filled [D] mean and [D, m] vectors", LoadEdited(model => Weight(model, MinorComponentsTerm.VectorsName).Dims[1] = 40000).Message);
        Assert.Contains("'minor_components.mean' holds NaN at position 2",
            LoadEdited(model => Weight(model, MinorComponentsTerm.MeanName).FloatData[2] = float.NaN).Message);
        Assert.Contains("within ±1E+10", LoadEdited(model => Weight(model, MinorComponentsTerm.VectorsName).FloatData[1] = 1e30f).Message);
        Assert.Contains("The minor components have 5 features but the model reads 6", LoadEdited(model =>
        {
            var mean = Weight(model, MinorComponentsTerm.MeanName);
            var vectors = Weight(model, MinorComponentsTerm.VectorsName);
            mean.Dims[0] = 5;
            mean.FloatData.RemoveAt(5);
            int m = (int)vectors.Dims[1];
            vectors.Dims[0] = 5;
            for (int i = 0; i < m; i++) vectors.FloatData.RemoveAt(vectors.FloatData.Count - 1);
        }).Message);
    }

    [Fact]
    public void AMixedModelFileLoadsWithItsLayout()
    {
        File.WriteAllBytes(CraftedPath, files.MixedModelFile);
        var model = VaeModelFile.Load(CraftedPath);
        Assert.Equal("Features: 3 × Real; Color: 1 × key of 3; Flag: 1 × Binary", model.InputLayout.ToString());
        Assert.Equal(HostileFiles.MixedLayout, ModelProto.Parser.ParseFrom(files.MixedModelFile).MetadataProps.Single(p => p.Key == VaeOnnxMetadata.InputLayout).Value);
    }

    [Theory]
    [InlineData("{not json", "the input layout '{not json' is not valid")]
    [InlineData("null", "lacks a column's name or kind")]
    [InlineData("[]", "A VAE reads at least one column")]
    [InlineData("""[{"Name":"Features","Kind":"Real","Slots":3}]""", "make 3 model cells a row, but the decoder reconstructs 7")]
    [InlineData("""[{"Name":"Features","Kind":"Real","Slots":4},{"Name":"Color","Kind":"Categorical","Slots":1,"Categories":3},{"Name":"Flag","Kind":"Binary","Slots":1}]""",
        "make 8 model cells a row, but the decoder reconstructs 7")]
    [InlineData("""[{"Name":"Features","Kind":"Real","Slots":3},{"Name":"Color","Kind":"Ordinal","Slots":1,"Categories":3},{"Name":"Flag","Kind":"Binary","Slots":1}]""",
        "'Ordinal' is not a VaeInputKind")]
    [InlineData("""[{"Name":"Features","Kind":"Real","Slots":3},{"Name":"Color","Kind":"Categorical","Slots":1,"Categories":0},{"Name":"Flag","Kind":"Binary","Slots":4}]""",
        "Key column 'Color' has 0 categories")]
    [InlineData("""[{"Name":"Features","Kind":"Real","Slots":3},{"Name":"Color","Kind":"Categorical","Slots":1,"Categories":1001},{"Name":"Flag","Kind":"Binary","Slots":1}]""",
        "Key column 'Color' has 1001 categories")]
    [InlineData("""[{"Name":"Features","Kind":"Real","Slots":3},{"Name":"Color","Kind":"Categorical","Slots":1,"Categories":3},{"Name":"Color","Kind":"Binary","Slots":1}]""",
        "Column 'Color' is listed 2 times")]
    [InlineData("""[{"Name":"Features","Kind":"Real","Slots":3},{"Name":"Color","Kind":"Categorical","Slots":-1,"Categories":3},{"Name":"Flag","Kind":"Binary","Slots":1}]""",
        "Column 'Color' needs at least one slot")]
    [InlineData("""[{"Name":"Features","Kind":"Real","Slots":3},{"Name":"Color","Kind":"Categorical","Slots":3000000000,"Categories":3}]""",
        "is not valid")]
    public void ACorruptInputLayoutIsRefusedWithItsFault(string layout, string fault)
    {
        var error = LoadEdited(model => SetMetadata(model, VaeOnnxMetadata.InputLayout, layout), files.MixedModelFile);

        Assert.Contains(fault, error.Message);
    }

    [Fact]
    public void AMixedModelFileWithoutItsLayoutOrASingleColumnFileWithOneIsRefused()
    {
        var withoutLayout = LoadEdited(model => model.MetadataProps.Remove(model.MetadataProps.Single(p => p.Key == VaeOnnxMetadata.InputLayout)), files.MixedModelFile);
        Assert.Contains("format version 2, a model of mixed columns, but has no 'vae_mlnet.input_layout' metadata", withoutLayout.Message);

        var withLayout = LoadEdited(model => model.MetadataProps.Add(new StringStringEntryProto { Key = VaeOnnxMetadata.InputLayout, Value = HostileFiles.MixedLayout }));
        Assert.Contains("format version 1, a model of one real column, but has 'vae_mlnet.input_layout' metadata", withLayout.Message);
    }

    private InvalidDataException LoadEdited(Action<ModelProto> edit, byte[]? file = null)
    {
        var model = ModelProto.Parser.ParseFrom(file ?? files.ModelFile);
        edit(model);
        File.WriteAllBytes(CraftedPath, model.ToByteArray());
        var error = Assert.Throws<InvalidDataException>(() => VaeModelFile.Load(CraftedPath));
        Assert.StartsWith($"{CraftedPath} is damaged:", error.Message);
        return error;
    }

    private static void SetMetadata(ModelProto model, string key, string value) =>
        model.MetadataProps.Single(p => p.Key == key).Value = value;

    private static TensorProto Weight(ModelProto model, string name) => model.Graph.Initializer.Single(t => t.Name == name);
}
