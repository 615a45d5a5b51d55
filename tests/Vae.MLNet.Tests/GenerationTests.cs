using Microsoft.ML;
using Microsoft.ML.Data;
using Vae.MLNet.Training;

namespace Vae.MLNet.Tests;

public class GenerationTests
{
    /// <summary>A two-component Gaussian mixture in 4 dimensions with correlated features.</summary>
    private static LabelledRow[] Mixture(int rows, int seed)
    {
        var random = new Random(seed);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        return Enumerable.Range(0, rows).Select(_ =>
        {
            double centre = random.NextDouble() < 0.5 ? -1.5 : 1.5, a = Normal(), b = Normal();
            return new LabelledRow { Features = [(float)(centre + 0.6 * a), (float)(centre + 0.5 * a + 0.3 * b), (float)(0.8 * b), (float)(0.5 * centre + 0.4 * Normal())] };
        }).ToArray();
    }

    private static readonly Lazy<(VaeModel Model, LabelledRow[] Rows)> MixtureModel = new(() =>
    {
        var ml = new MLContext(seed: 1);
        var rows = Mixture(4000, seed: 1);
        var options = new VaeEncodeEstimator.Options { LatentDimension = 2, Epochs = 150, Seed = 1, HiddenLayerSizes = [64, 64], EarlyStoppingPatience = 20 };
        return (ml.Transforms.VaeEncode(options).Fit(TestData.ToDataView(ml, rows)).Model, rows);
    });

    private static (double[] Mean, double[,] Covariance) Moments(IReadOnlyList<float[]> rows)
    {
        int d = rows[0].Length;
        var mean = Enumerable.Range(0, d).Select(j => rows.Average(r => (double)r[j])).ToArray();
        var covariance = new double[d, d];
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++)
                covariance[i, j] = rows.Average(r => (r[i] - mean[i]) * (r[j] - mean[j]));
        return (mean, covariance);
    }

    [Fact]
    public void SamplesFromTheMixtureReproduceItsMeanAndCovariance()
    {
        var (model, rows) = MixtureModel.Value;
        var (mean, covariance) = Moments(rows.Select(r => r.Features).ToArray());
        var (sampleMean, sampleCovariance) = Moments(model.Sample(6000, seed: 3, drawFromLikelihood: true));

        // Tolerance: 0.15 on the means and 0.25 on each covariance entry (the variances are 0.4 to 2.6).
        for (int j = 0; j < mean.Length; j++)
        {
            Assert.InRange(sampleMean[j], mean[j] - 0.15, mean[j] + 0.15);
            for (int i = 0; i < mean.Length; i++)
                Assert.InRange(sampleCovariance[i, j], covariance[i, j] - 0.25, covariance[i, j] + 0.25);
        }
    }

    [Fact]
    public void EveryEncodeAndDecodeOfAModelRunsOnTheSameTwoSessions()
    {
        var (model, rows) = MixtureModel.Value;
        var features = rows.Take(3).Select(r => r.Features).ToArray();
        model.Decode(model.Encode(features));
        var (encoder, decoder) = (VaeGeneration.SessionsFor(model).Encoder.Current, VaeGeneration.SessionsFor(model).Decoder.Current);
        Parallel.For(0, 4, _ => model.Interpolate(features[0], features[1], steps: 3));
        model.Sample(5, seed: 1);

        Assert.Same(encoder, VaeGeneration.SessionsFor(model).Encoder.Current);
        Assert.Same(decoder, VaeGeneration.SessionsFor(model).Decoder.Current);
    }

    [Fact]
    public void GenerateIsSeededAndLaidOutLikeTheFeatures()
    {
        var (model, _) = MixtureModel.Value;
        var generated = model.Generate(new MLContext(), 50, seed: 4);

        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 4), generated.Schema["Features"].Type);
        Assert.Equal(generated.GetColumn<float[]>("Features").ToArray(), model.Generate(new MLContext(), 50, seed: 4).GetColumn<float[]>("Features").ToArray());
        Assert.NotEqual(generated.GetColumn<float[]>("Features").ToArray(), model.Generate(new MLContext(), 50, seed: 5).GetColumn<float[]>("Features").ToArray());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void InterpolationEndpointsDecodeToTheEndpointsReconstructions(bool spherical)
    {
        var (model, rows) = MixtureModel.Value;
        var from = rows[0].Features;
        var to = rows[1].Features;
        var path = model.Interpolate(from, to, steps: 7, spherical);
        var reconstructions = model.Decode(model.Encode([from, to]));

        Assert.Equal(7, path.Decoded.Length);
        Assert.Equal(reconstructions[0], path.Decoded[0], new Tolerance(1e-5f));
        Assert.Equal(reconstructions[1], path.Decoded[^1], new Tolerance(1e-5f));
        Assert.NotEqual(path.Decoded[0], path.Decoded[3], new Tolerance(1e-3f));
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void TraversalChangesOnlyTheChosenLatentCoordinate()
    {
        var (model, rows) = MixtureModel.Value;
        var code = model.Encode([rows[5].Features])[0];
        var path = model.Traverse(rows[5].Features, axis: 1, [-2f, 0f, 2f]);

        foreach (var (latent, value) in path.Latents.Zip(new[] { -2f, 0f, 2f }))
        {
            Assert.Equal(value, latent[1]);
            Assert.Equal(code[0], latent[0]);
        }
        Assert.NotEqual(path.Decoded[0], path.Decoded[2], new Tolerance(1e-3f));
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void TheDecodeTransformReproducesTheFeaturizersReconstructionAndSurvivesSaveAndLoad()
    {
        var ml = new MLContext(seed: 1);
        var data = TestData.ToDataView(ml, TestData.Gaussian(300, 0));
        var featurizer = ml.Transforms.VaeEncode(new VaeEncodeEstimator.Options { Epochs = 5, Seed = 1, LatentDimension = 3, ReconstructionColumnName = "Reconstruction" }).Fit(data);
        var pipeline = featurizer.Append(ml.Transforms.VaeDecode(featurizer.Model, "Decoded", "Latent").Fit(featurizer.Transform(data)));
        var scored = pipeline.Transform(data);

        var expected = scored.GetColumn<float[]>("Reconstruction").ToArray();
        Assert.Equal(expected, scored.GetColumn<float[]>("Decoded").ToArray(), new RowTolerance(1e-5f));

        string path = Path.Combine(Path.GetTempPath(), $"vae-decode-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(pipeline, data.Schema, path);
            foreach (var loaded in new[] { ml.Model.Load(path, out _), ml.Model.LoadWithBatchedScoring(path, out _) })
            {
                var after = loaded.Transform(data);
                Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 6), after.Schema["Decoded"].Type);
                Assert.Equal(expected, after.GetColumn<float[]>("Decoded").ToArray(), new RowTolerance(1e-5f));
                Assert.Equal(expected, after.GetColumn<float[]>("Reconstruction").ToArray(), new RowTolerance(1e-5f));
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void EncodeAndDecodeRefuseWhatThePipelineRefusesInsteadOfReturningNaN()
    {
        // NaN encoded to NaN codes and ∞ to codes of 1e7 and more, without a word, where the pipeline names the row.
        var ml = new MLContext(seed: 1);
        var model = ml.Transforms.VaeEncode(new VaeEncodeEstimator.Options { Epochs = 1, Seed = 1, LatentDimension = 2, HiddenLayerSizes = [8] })
            .Fit(TestData.ToDataView(ml, TestData.Gaussian(50, 0))).Model;
        float[] good = new float[6], nan = new float[6], infinite = new float[6];
        nan[2] = float.NaN;
        infinite[4] = float.PositiveInfinity;

        var error = Assert.Throws<VaeDataException>(() => model.Encode([good, nan]));
        Assert.Equal((1L, 2), (error.Row!.Value, error.Slot!.Value));
        Assert.Equal(4, Assert.Throws<VaeDataException>(() => model.Encode([infinite])).Slot);
        Assert.Throws<VaeDataException>(() => model.Interpolate(good, nan, steps: 3));
        Assert.Contains("Row 1 is null", Assert.Throws<ArgumentException>(() => model.Encode([good, null!])).Message);
        Assert.Throws<ArgumentNullException>(() => model.Traverse(null!, axis: 0, [1f]));
        Assert.Contains("Latent vector 0 holds NaN at slot 1", Assert.Throws<ArgumentException>(() => model.Decode([[0f, float.NaN]])).Message);
        Assert.Throws<ArgumentException>(() => model.Traverse(good, axis: 0, [float.PositiveInfinity]));
        Assert.Throws<ArgumentNullException>(() => ((VaeModel)null!).Generate(ml, 3, seed: 0));

        // A model of missing values encodes NaN as a missing cell, as its transformer does, but not a row of nothing.
        var missing = ml.Transforms.VaeEncode(new VaeEncodeEstimator.Options { Epochs = 1, Seed = 1, LatentDimension = 2, HiddenLayerSizes = [8], MissingValues = VaeMissingValues.Model })
            .Fit(TestData.ToDataView(ml, TestData.Gaussian(50, 0))).Model;
        Assert.All(missing.Encode([nan])[0], value => Assert.True(float.IsFinite(value)));
        Assert.Throws<VaeDataException>(() => missing.Encode([Enumerable.Repeat(float.NaN, 6).ToArray()]));
    }

    [Fact]
    public void AWrongArgumentIsNamedAsTheCallerPassedIt()
    {
        // Before, a row of the wrong size was "Row 0" of 'inputs', a parameter no method has; Interpolate's 'to' was
        // "Row 1", and a NaN among Traverse's values was "Latent vector 1" of 'latents'.
        var model = OneEpochModel();
        float[] good = new float[6], short5 = new float[5];

        Assert.Equal("rows", Assert.Throws<ArgumentException>(() => model.Encode([good, short5])).ParamName);
        Assert.Equal("latents", Assert.Throws<ArgumentException>(() => model.Decode([new float[3]])).ParamName);
        Assert.Equal("latents", Assert.Throws<ArgumentException>(() => model.Decode([null!])).ParamName);
        var to = Assert.Throws<ArgumentException>(() => model.Interpolate(good, short5, steps: 3));
        Assert.Equal(("to", "'to' has 5 values, but the model expects 6. (Parameter 'to')"), (to.ParamName, to.Message));
        Assert.Equal("from", Assert.Throws<ArgumentException>(() => model.Interpolate(short5, good, steps: 3)).ParamName);
        Assert.Equal("row", Assert.Throws<ArgumentException>(() => model.Traverse(short5, axis: 0, [1f])).ParamName);
        var value = Assert.Throws<ArgumentException>(() => model.Traverse(good, axis: 0, [0f, float.NaN]));
        Assert.Equal(("values", "values[1] is NaN: a latent coordinate must be finite. (Parameter 'values')"), (value.ParamName, value.Message));
    }

    [Theory]
    [InlineData(VaeMissingValues.Error)]
    [InlineData(VaeMissingValues.Model)]
    public void TheDecodeTransformRefusesANaNLatentAsALatentCodeWhateverTheModelsMissingValues(VaeMissingValues missingValues)
    {
        // Before, the message spoke of features and advised MissingValues = Model, which the decoder ignores: it refuses
        // NaN in a code either way.
        var ml = new MLContext(seed: 1);
        var model = ml.Transforms.VaeEncode(new VaeEncodeEstimator.Options { Epochs = 1, Seed = 1, LatentDimension = 2, HiddenLayerSizes = [8], MissingValues = missingValues })
            .Fit(TestData.ToDataView(ml, TestData.Gaussian(50, 0))).Model;
        var codes = VectorColumnView.Create(ml, "Code", 2, [[0f, 0f], [0.5f, float.NaN]]);
        var decoded = ml.Transforms.VaeDecode(model, "Decoded", "Code").Fit(codes).Transform(codes);

        var error = Assert.Throws<VaeDataException>(() => decoded.GetColumn<float[]>("Decoded").ToArray());
        Assert.Equal(("Code", 1L, 1), (error.ColumnName, error.Row!.Value, error.Slot!.Value));
        Assert.Equal("Row 1 of column 'Code' holds NaN at slot 1: a latent code must be finite, whatever the model's MissingValues " +
            "(a code has no missing cells: the decoder reads every coordinate as it is).", error.Message);
    }

    [Fact]
    public void AFiniteLatentThatOverflowsTheDecoderIsRefusedNamingItsRowInsteadOfDecodingToNaN()
    {
        // Before, a code of 3e38 decoded to a row of NaN without a word, through Decode, Traverse and VaeDecode alike.
        var ml = new MLContext(seed: 1);
        var model = OverflowingModel();
        float[] extreme = [3e38f, 0f];
        Assert.Equal([0f, 0f], model.Decode([[1e8f, 0f]])[0]);

        var decode = Assert.Throws<ArgumentException>(() => model.Decode([[0f, 0f], extreme]));
        Assert.Equal(("latents", "Latent vector 1 decodes to NaN at slot 0 from a code whose largest coordinate is 3E+38 in magnitude: the decoder's float " +
            "arithmetic overflows (a trained model's codes lie within a few units of 0). (Parameter 'latents')"), (decode.ParamName, decode.Message));
        var traverse = Assert.Throws<ArgumentException>(() => model.Traverse([0f, 0f], axis: 0, [0f, 3e38f]));
        Assert.Equal("values", traverse.ParamName);
        Assert.StartsWith("The code with coordinate 0 set to values[1] decodes to NaN at slot 0", traverse.Message);
        Assert.Throws<ArgumentException>(() => model.Traverse([0f, 0f], axis: 0, [float.MaxValue]));

        var codes = VectorColumnView.Create(ml, "Code", 2, [[0f, 0f], [1f, 1f], extreme]);
        var transform = ml.Transforms.VaeDecode(model, "Decoded", "Code").Fit(codes);
        var error = Assert.Throws<VaeDataException>(() => transform.Transform(codes).GetColumn<float[]>("Decoded").ToArray());
        Assert.Equal(("Code", 2L), (error.ColumnName, error.Row!.Value));
        Assert.StartsWith("Row 2 of column 'Code' decodes to NaN at slot 0 from a code whose largest coordinate is 3E+38", error.Message);
        using var engine = ml.Model.CreatePredictionEngine<VectorColumnView.Row, DecodedRow>(transform, inputSchemaDefinition: VectorColumnView.Schema("Code", 2));
        Assert.Equal([0f, 0f], engine.Predict(new VectorColumnView.Row { Values = [1e8f, 0f] }).Decoded);
        var one = Assert.Throws<VaeDataException>(() => engine.Predict(new VectorColumnView.Row { Values = extreme }));
        Assert.Null(one.Row);
        Assert.StartsWith("Column 'Code' of the row given to PredictionEngine.Predict decodes to NaN", one.Message);
    }

    /// <summary>
    /// A model of 2 features and 2 latent dimensions whose decoder computes relu(2z₀) − relu(2z₀) in each output: 0 for
    /// any code it can compute, NaN (∞ − ∞) once 2z₀ overflows, as it does for z₀ = 3e38.
    /// </summary>
    private static VaeModel OverflowingModel()
    {
        DenseLayer Layer(int inputs, int outputs, float[]? weight = null) => new(inputs, outputs, weight ?? new float[inputs * outputs], new float[outputs]);
        return new VaeModel(VaeActivation.Relu, VaeLikelihood.Gaussian, [Layer(2, 2)], Layer(2, 2), Layer(2, 2),
            [Layer(2, 2, [2f, 0f, 2f, 0f])], Layer(2, 2, [1f, -1f, 1f, -1f]), new float[2]);
    }

    private sealed class DecodedRow
    {
        [VectorType(2)]
        public float[] Decoded { get; set; } = [];
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    public void GenerateRefusesAColumnWithoutAName(string? columnName)
    {
        // Before, the view came back with its column named "Values", a name nobody asked for.
        var error = Assert.ThrowsAny<ArgumentException>(() => OneEpochModel().Generate(new MLContext(), 3, seed: 0, columnName: columnName!));
        Assert.Equal("columnName", error.ParamName);
    }

    [Fact]
    public void ASampleTooLargeForMemoryIsRefusedBeforeAnyAllocation()
    {
        // Before, Sample(int.MaxValue) allocated for minutes and then ran out of memory.
        var model = OneEpochModel();
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => model.Sample(int.MaxValue, seed: 0));
        var view = Assert.Throws<ArgumentOutOfRangeException>(() => model.Generate(new MLContext(), int.MaxValue, seed: 0));

        Assert.Equal("count", error.ParamName);
        Assert.StartsWith("2,147,483,647 rows of 6 values need about 206.2 GB at once, more than the ", error.Message);
        Assert.Contains("vae-mlnet generate", error.Message);
        Assert.Equal(error.Message, view.Message);
        Assert.Equal(3, model.Sample(3, seed: 0).Length);
    }

    /// <summary>A featurizer's model of 6 features and 2 latent dimensions, trained for one epoch: enough to check arguments.</summary>
    private static VaeModel OneEpochModel()
    {
        var ml = new MLContext(seed: 1);
        return ml.Transforms.VaeEncode(new VaeEncodeEstimator.Options { Epochs = 1, Seed = 1, LatentDimension = 2, HiddenLayerSizes = [8] })
            .Fit(TestData.ToDataView(ml, TestData.Gaussian(50, 0))).Model;
    }

    [Fact]
    public void AnImageGridPlacesEachImageInItsCellWithAOnePixelGapAndRefusesAWrongSize()
    {
        // Three 2×2 images, two to a row: image i's pixel p holds 10·i + p.
        var images = Enumerable.Range(0, 3).Select(i => Enumerable.Range(0, 4).Select(p => 10f * i + p).ToArray()).ToArray();

        var grid = ImageGrid.Tile(images, side: 2, columns: 2);

        Assert.Equal(new[] { 5, 5 }, new[] { grid.GetLength(0), grid.GetLength(1) });
        Assert.Equal(new double[] { 0, 1, 0, 10, 11 }, Enumerable.Range(0, 5).Select(x => grid[0, x]));
        Assert.Equal(new double[] { 2, 3, 0, 12, 13 }, Enumerable.Range(0, 5).Select(x => grid[1, x]));
        Assert.All(Enumerable.Range(0, 5), x => Assert.Equal(0, grid[2, x]));
        Assert.Equal(new double[] { 20, 21, 0, 0, 0 }, Enumerable.Range(0, 5).Select(x => grid[3, x]));
        var error = Assert.Throws<ArgumentException>(() => ImageGrid.Tile([new float[4], new float[3]], side: 2, columns: 2));
        Assert.Contains("Image 1 has 3 pixels", error.Message);
    }

    private sealed class Tolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance * Math.Max(1, Math.Abs(x));
        public int GetHashCode(float obj) => 0;
    }

    private sealed class RowTolerance(float tolerance) : IEqualityComparer<float[]>
    {
        public bool Equals(float[]? x, float[]? y) => x!.Length == y!.Length && x.Zip(y).All(p => Math.Abs(p.First - p.Second) <= tolerance * Math.Max(1, Math.Abs(p.First)));
        public int GetHashCode(float[] obj) => 0;
    }
}
