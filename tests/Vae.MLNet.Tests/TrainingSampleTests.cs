using Microsoft.ML;
using Microsoft.ML.Data;
using Vae.MLNet.Training;

namespace Vae.MLNet.Tests;

/// <summary>
/// Training on data larger than its memory limit: a uniform, seeded reservoir sample of the rows, said in the log; and
/// the default epoch limit, which caps the gradient steps on many rows and leaves fewer rows as they were.
/// </summary>
public class TrainingSampleTests
{
    /// <summary><paramref name="rows"/> rows of one feature, the row's number: a sample names the rows it holds.</summary>
    private static IDataView Numbered(MLContext ml, int rows) =>
        TestData.ToDataView(ml, Enumerable.Range(0, rows).Select(i => new LabelledRow { Features = [i] }).ToArray());

    [Fact]
    public void EveryRowIsEquallyLikelyToBeInTheSample()
    {
        // 200 rows, samples of 20, over 2,000 seeds: each row is expected in 200 samples.
        const int rows = 200, sample = 20, seeds = 2000;
        var data = Numbered(new MLContext(seed: 0), rows);
        var counts = new int[rows];
        for (int seed = 0; seed < seeds; seed++)
        {
            var values = FeatureColumn.ReadSample(data, "Features", sample, seed, VaeMissingValues.Error, out int kept, out _, out long dataRows);
            Assert.Equal((sample, rows), (kept, dataRows));
            Assert.Equal(sample, values.Distinct().Count());
            foreach (float value in values)
                counts[(int)value]++;
        }

        // Pearson's chi-square with 199 degrees of freedom: above 260 with probability 0.2%. A sampler that favours
        // the first or the last rows (e.g. one that replaces with probability sample / rows) lands in the thousands.
        double expected = (double)seeds * sample / rows;
        double chiSquare = counts.Sum(count => (count - expected) * (count - expected) / expected);
        Assert.True(chiSquare < 260, $"chi-square {chiSquare:F1}; counts of the first rows {string.Join(", ", counts.Take(5))}, of the last {string.Join(", ", counts.TakeLast(5))}");
    }

    [Fact]
    public void TheSameSeedDrawsTheSameSampleAndAnotherSeedAnother()
    {
        var data = Numbered(new MLContext(seed: 0), 1000);

        var first = FeatureColumn.ReadSample(data, "Features", 50, seed: 3, VaeMissingValues.Error, out _, out _, out _);
        var again = FeatureColumn.ReadSample(data, "Features", 50, seed: 3, VaeMissingValues.Error, out _, out _, out _);
        var other = FeatureColumn.ReadSample(data, "Features", 50, seed: 4, VaeMissingValues.Error, out _, out _, out _);

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void DataWithinTheLimitIsReadWholeInItsOrder()
    {
        var data = Numbered(new MLContext(seed: 0), 1000);

        var values = FeatureColumn.ReadSample(data, "Features", 1000, seed: 3, VaeMissingValues.Error, out int rows, out int size, out long dataRows);

        Assert.Equal((1000, 1, 1000L), (rows, size, dataRows));
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => (float)i), values);
    }

    [Fact]
    public void ABadValueOutsideTheSampleStillStopsTrainingNamingItsRow()
    {
        var ml = new MLContext(seed: 0);
        var rows = TestData.Gaussian(500, 0);
        rows[400].Features[2] = float.NaN;

        var error = Assert.Throws<VaeDataException>(() => FeatureColumn.ReadSample(TestData.ToDataView(ml, rows), "Features", 10, seed: 0, VaeMissingValues.Error, out _, out _, out _));

        Assert.Equal(400, error.Row);
    }

    [Fact]
    public void TrainingOnMoreRowsThanMaxTrainingRowsSaysSoInTheLogAndKeepsCodesOfTheSample()
    {
        var ml = new MLContext(seed: 0);
        var messages = new List<string>();
        ml.Log += (_, message) =>
        {
            lock (messages)
                messages.Add(message.RawMessage);
        };
        var options = new VaeAnomalyDetectionTrainer.Options { Epochs = 2, Seed = 1, MaxTrainingRows = 300, ValidationFraction = 0 };

        var detector = ml.AnomalyDetection.Trainers.Vae(options).Fit(TestData.ToDataView(ml, TestData.Gaussian(2000, 0)));

        Assert.Contains(messages, message => message.Contains("The data has 2000 rows of 6 features, more than the 300") &&
            message.Contains("training on a uniform random sample of 300 rows"));
        Assert.Contains(messages, message => message.Contains("Training a VAE on 300 rows of 6 features"));
        Assert.Equal(300, detector.Model.TrainingCodes!.Count);
    }

    [Fact]
    public void TheDefaultLimitHoldsAMillionRowsOrAGibibyteOfFeatures()
    {
        var options = new VaeAnomalyDetectionTrainer.Options();

        Assert.Equal(1_000_000, options.MaxTrainingRowsFor(30));
        Assert.Equal(342_392, options.MaxTrainingRowsFor(784));
        Assert.Equal(1, options.MaxTrainingRowsFor(int.MaxValue));
        Assert.Equal(12_345, new VaeAnomalyDetectionTrainer.Options { MaxTrainingRows = 12_345 }.MaxTrainingRowsFor(30));
    }

    [Theory]
    // Few rows: enough epochs for 2,000 steps, or 100 (magic.gamma, the largest shared dataset, trains on 5,550 rows).
    [InlineData(100, 2000)]
    [InlineData(5_550, 100)]
    [InlineData(64_000, 100)]
    // Many rows: as many epochs as fit in 50,000 steps, at least one.
    [InlineData(128_000, 50)]
    [InlineData(1_000_000, 6)]
    [InlineData(10_000_000, 1)]
    public void TheDefaultEpochLimitCapsTheStepsOnlyOnManyRows(long rows, int epochs)
    {
        Assert.Equal(epochs, new VaeAnomalyDetectionTrainer.Options().EpochsFor(rows));
        Assert.Equal(7, new VaeAnomalyDetectionTrainer.Options { Epochs = 7 }.EpochsFor(rows));
    }
}
