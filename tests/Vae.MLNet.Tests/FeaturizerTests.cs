using Microsoft.ML;
using Microsoft.ML.Data;
using Vae.MLNet.Training;

namespace Vae.MLNet.Tests;

public class FeaturizerTests
{
    private sealed class Latents
    {
        [VectorType(3)] public float[] Latent { get; set; } = [];
    }

    private static (MLContext Ml, IDataView Data, VaeEncodeTransformer Model) Fit(VaeEncodeEstimator.Options? options = null)
    {
        var ml = new MLContext(seed: 1);
        var data = TestData.ToDataView(ml, TestData.Gaussian(1500, 0));
        options ??= new VaeEncodeEstimator.Options { LatentDimension = 3, Epochs = 5, Seed = 2 };
        return (ml, data, ml.Transforms.VaeEncode(options).Fit(data));
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void TheLatentMeanIsAKnownSizeSingleVectorInSchemaAndData()
    {
        var (ml, data, model) = Fit();
        var scored = model.Transform(data);

        var type = Assert.IsType<VectorDataViewType>(scored.Schema["Latent"].Type);
        Assert.Equal(NumberDataViewType.Single, type.ItemType);
        Assert.Equal(3, type.Size);
        var latents = ml.Data.CreateEnumerable<Latents>(scored, reuseRowObject: false).ToArray();
        Assert.Equal(1500, latents.Length);
        Assert.All(latents, l => Assert.Equal(3, l.Latent.Length));
        Assert.Contains(latents, l => l.Latent.Any(v => v != 0));
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void TheEstimatorPredictsTheSchemaOfTheFittedTransformer()
    {
        var ml = new MLContext(seed: 1);
        var data = TestData.ToDataView(ml, TestData.Gaussian(100, 0));
        var estimator = ml.Transforms.VaeEncode(new VaeEncodeEstimator.Options
        {
            LatentDimension = 3, Epochs = 2, Seed = 1, LogVarianceColumnName = "LogVar", SampleColumnName = "Z",
        });
        var shape = estimator.GetOutputSchema(MLNetInternals.ShapeOf(data.Schema));
        var schema = estimator.Fit(data).GetOutputSchema(data.Schema);

        foreach (var name in new[] { "Latent", "LogVar", "Z" })
        {
            var column = Assert.Single(shape, c => c.Name == name);
            Assert.Equal(SchemaShape.Column.VectorKind.Vector, column.Kind);
            Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 3), schema[name].Type);
        }
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void BatchedScoringAcrossBlocksEqualsPredictionEngineRowByRow()
    {
        var (ml, data, model) = Fit();
        var batched = ml.Data.CreateEnumerable<Latents>(model.Transform(data), reuseRowObject: false).ToArray();
        using var engine = ml.Model.CreatePredictionEngine<LabelledRow, Latents>(model, inputSchemaDefinition: TestData.SchemaFor(6));
        var rows = ml.Data.CreateEnumerable<LabelledRow>(data, reuseRowObject: false).ToArray();

        for (int i = 0; i < rows.Length; i += 97)
            Assert.Equal(batched[i].Latent, engine.Predict(rows[i]).Latent, new FloatTolerance(1e-5f));
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void SampledLatentsAreSeededAndSpreadAroundTheMean()
    {
        var options = new VaeEncodeEstimator.Options
        {
            LatentDimension = 3, Epochs = 5, Seed = 2, LogVarianceColumnName = "LogVar", SampleColumnName = "Z", SampleSeed = 5,
        };
        var (_, data, model) = Fit(options);
        var first = model.Transform(data).GetColumn<float[]>("Z").ToArray();
        var again = model.Transform(data).GetColumn<float[]>("Z").ToArray();
        var means = model.Transform(data).GetColumn<float[]>("Latent").ToArray();
        var logVariances = model.Transform(data).GetColumn<float[]>("LogVar").ToArray();

        Assert.Equal(first, again);
        // (z - μ) / σ must look standard normal across rows.
        var standardized = first.Zip(means, logVariances).SelectMany(t => t.First.Select((z, j) => (z - t.Second[j]) / Math.Exp(0.5 * t.Third[j]))).ToArray();
        double mean = standardized.Average();
        double variance = standardized.Select(v => (v - mean) * (v - mean)).Average();
        Assert.InRange(mean, -0.1, 0.1);
        Assert.InRange(variance, 0.85, 1.15);
    }

    private sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance * Math.Max(1, Math.Abs(x));
        public int GetHashCode(float obj) => 0;
    }
}
