using Microsoft.ML;
using Microsoft.ML.Data;
using Vae.MLNet.Training;
using Xunit.Abstractions;

namespace Vae.MLNet.Tests.Conformance;

/// <summary>Every VAE estimator, in each of its output configurations, through <see cref="EstimatorWorkout"/>.</summary>
public sealed class EstimatorConformanceTests(ITestOutputHelper output) : IDisposable
{
    private const int Features = 6;
    private const int Latent = 3;

    private readonly string _folder = Directory.CreateTempSubdirectory("vae-conformance-").FullName;
    private readonly MLContext _ml = new(seed: 1);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private IDataView Data(int dimension = Features) => TestData.ToDataView(_ml, TestData.Gaussian(200, 10, dimension));

    private static VaeEncodeEstimator.Options Encoder() => new() { LatentDimension = Latent, Epochs = 3, Seed = 1 };

    private static VaeAnomalyDetectionTrainer.Options Detector() => new() { LatentDimension = Latent, Epochs = 3, Seed = 1 };

    /// <summary>The data of <see cref="Data"/> with a seeded fifth of its cells missing (NaN), never a whole row.</summary>
    private IDataView DataWithMissingCells()
    {
        var rows = TestData.Gaussian(200, 10, Features);
        TestData.HideCells(rows, 0.2, seed: 3);
        return TestData.ToDataView(_ml, rows);
    }

    private void Workout<TTransformer>(IEstimator<TTransformer> estimator, RefusedBy wrongSize, Reload reload, int width = Features, IDataView? data = null,
        bool everyKind = false, Func<IDataView, IDataView>? companions = null)
        where TTransformer : class, ITransformer
    {
        var workout = new EstimatorWorkout(_ml, _folder, companions is null ? null : MixedColumns);
        workout.Run(estimator, data ?? Data(width), InvalidInputs.For(_ml, width, wrongSize, everyKind, companions), reload);
        output.WriteLine($"{workout.Checks.Count} checks passed:");
        foreach (var check in workout.Checks)
            output.WriteLine(check);
    }

    [Fact]
    public void VaeEncodeWithTheLatentMeanOnly() =>
        Workout(_ml.Transforms.VaeEncode(Encoder()), RefusedBy.Transformers, Reload.Exact, everyKind: true);

    [Fact]
    public void VaeEncodeWithLogVarianceAndReconstruction()
    {
        var options = Encoder();
        options.LogVarianceColumnName = "LogVariance";
        options.ReconstructionColumnName = "Reconstruction";
        Workout(_ml.Transforms.VaeEncode(options), RefusedBy.Transformers, Reload.Exact, everyKind: true);
    }

    [Fact]
    public void VaeEncodeWithASampledLatent()
    {
        var options = Encoder();
        options.SampleColumnName = "Sample";
        options.SampleSeed = 5;
        // A sampled latent is keyed by the row's position, which a saved ONNX graph cannot see: such a featurizer
        // refuses mlContext.Model.Save by design, so the workout checks that refusal instead of a reload.
        Workout(_ml.Transforms.VaeEncode(options), RefusedBy.Transformers, Reload.SavingRefused, everyKind: true);
    }

    [Fact]
    public void VaeEncodeInPlace() =>
        Workout(_ml.Transforms.VaeEncode(InvalidInputs.Column, latentDimension: Latent, epochs: 3, seed: 1), RefusedBy.Transformers, Reload.Exact, everyKind: true);

    [Fact]
    public void VaeAnomalyDetectionTrainer() =>
        Workout(_ml.AnomalyDetection.Trainers.Vae(Detector()), RefusedBy.Transformers, Reload.HiddenColumnsAfterModelLoad, everyKind: true);

    [Fact]
    public void VaeAnomalyDetectionTrainerOfMissingValuesWithFeatureErrors()
    {
        var options = Detector();
        options.MissingValues = VaeMissingValues.Model;
        options.FeatureErrorColumnName = "FeatureErrors";
        Workout(_ml.AnomalyDetection.Trainers.Vae(options), RefusedBy.Transformers, Reload.HiddenColumnsAfterModelLoad, data: DataWithMissingCells(), everyKind: true);
    }

    [Fact]
    public void VaeEncodeOfMissingValues()
    {
        var options = Encoder();
        options.MissingValues = VaeMissingValues.Model;
        options.ReconstructionColumnName = "Reconstruction";
        Workout(_ml.Transforms.VaeEncode(options), RefusedBy.Transformers, Reload.Exact, data: DataWithMissingCells(), everyKind: true);
    }

    [Fact]
    public void VaeImpute() =>
        Workout(_ml.Transforms.VaeImpute(new VaeImputeEstimator.Options { OutputColumnName = "Imputed", LatentDimension = Latent, Epochs = 3, Seed = 1, ImputationSamples = 5 }),
            RefusedBy.Transformers, Reload.Exact, data: DataWithMissingCells());

    [Fact]
    public void VaeImputeInPlace() =>
        Workout(_ml.Transforms.VaeImpute(InvalidInputs.Column, epochs: 3, seed: 1), RefusedBy.Transformers, Reload.Exact, data: DataWithMissingCells());

    [Fact]
    public void VaeAnomalyDetectionTrainerWithFeatureErrors()
    {
        var options = Detector();
        options.FeatureErrorColumnName = "FeatureErrors";
        Workout(_ml.AnomalyDetection.Trainers.Vae(options), RefusedBy.Transformers, Reload.HiddenColumnsAfterModelLoad, everyKind: true);
    }

    [Fact]
    public void VaeAnomalyDetectionTrainerWithFeatureErrorsInPlace()
    {
        var options = Detector();
        options.FeatureErrorColumnName = InvalidInputs.Column;
        Workout(_ml.AnomalyDetection.Trainers.Vae(options), RefusedBy.Transformers, Reload.HiddenColumnsAfterModelLoad, everyKind: true);
    }

    /// <summary>
    /// The rows of <see cref="DataWithMissingCells"/> beside a key of three categories (a fifth of them missing, key 0)
    /// and a flag, both following the first feature: the columns of <see cref="MixedColumns"/>.
    /// </summary>
    private IDataView MixedData()
    {
        var rows = TestData.Gaussian(200, 10, Features);
        TestData.HideCells(rows, 0.2, seed: 3);
        var random = new Random(4);
        return _ml.Data.LoadFromEnumerable(rows.Select(r => new MixedRow
        {
            Features = r.Features,
            // LoadFromEnumerable reads a [KeyType] member 0-based: 3 (past the count) is the missing key 0.
            Color = random.NextDouble() < 0.2 ? 3u : float.IsNaN(r.Features[0]) ? 0u : r.Features[0] < -0.5 ? 0u : r.Features[0] < 0.5 ? 1u : 2u,
            Flag = r.Features[1] > 0,
        }).ToArray());
    }

    /// <summary>The other columns an estimator of mixed columns reads, added to an invalid view: its input column is then what is wrong.</summary>
    private IDataView WithMixedCompanions(IDataView data) =>
        _ml.Transforms.CustomMapping<NoColumns, MixedCompanions>((_, companions) => (companions.Color, companions.Flag) = (1, true), contractName: null)
            .Fit(data).Transform(data);

    private static readonly string[] MixedColumns = [nameof(MixedRow.Color), nameof(MixedRow.Flag)];

    [Fact]
    public void VaeAnomalyDetectionTrainerOfMixedColumns()
    {
        var options = Detector();
        options.AdditionalFeatureColumnNames = MixedColumns;
        options.MissingValues = VaeMissingValues.Model;
        options.FeatureErrorColumnName = "FeatureErrors";
        MixedWorkout(_ml.AnomalyDetection.Trainers.Vae(options), Reload.HiddenColumnsAfterModelLoad);
    }

    [Fact]
    public void VaeEncodeOfMixedColumns()
    {
        var options = Encoder();
        options.AdditionalFeatureColumnNames = MixedColumns;
        options.MissingValues = VaeMissingValues.Model;
        options.ReconstructionColumnName = "Reconstruction";
        MixedWorkout(_ml.Transforms.VaeEncode(options), Reload.Exact);
    }

    [Fact]
    public void VaeImputeOfMixedColumns() =>
        MixedWorkout(_ml.Transforms.VaeImpute(new VaeImputeEstimator.Options
        {
            OutputColumnName = "Imputed", AdditionalFeatureColumnNames = MixedColumns, LatentDimension = Latent, Epochs = 3, Seed = 1, ImputationSamples = 5,
        }), Reload.HiddenColumnsAfterModelLoad);

    /// <summary>The workout of an estimator that reads <see cref="MixedColumns"/> beside the features, on <see cref="MixedData"/>.</summary>
    private void MixedWorkout<TTransformer>(IEstimator<TTransformer> estimator, Reload reload)
        where TTransformer : class, ITransformer =>
        Workout(estimator, RefusedBy.Transformers, reload, data: MixedData(), everyKind: true, companions: WithMixedCompanions);

    private sealed class MixedRow
    {
        [VectorType(EstimatorConformanceTests.Features)]
        public float[] Features { get; set; } = [];

        [KeyType(3)]
        public uint Color { get; set; }

        public bool Flag { get; set; }
    }

    private sealed class NoColumns;

    private sealed class MixedCompanions
    {
        [KeyType(3)]
        public uint Color { get; set; }

        public bool Flag { get; set; }
    }

    [Theory]
    [InlineData("Reconstruction")]
    [InlineData(InvalidInputs.Column)]
    public void VaeDecode(string outputColumnName)
    {
        var model = _ml.Transforms.VaeEncode(Encoder()).Fit(Data()).Model;
        // The decoder's model is fixed before Fit, so Fit refuses latent vectors of another size.
        Workout(_ml.Transforms.VaeDecode(model, outputColumnName, InvalidInputs.Column), RefusedBy.FitAndTransformers, Reload.Exact, width: Latent);
    }
}
