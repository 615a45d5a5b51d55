using Microsoft.ML;
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
        bool everyKind = false)
        where TTransformer : class, ITransformer
    {
        var workout = new EstimatorWorkout(_ml, _folder);
        workout.Run(estimator, data ?? Data(width), InvalidInputs.For(_ml, width, wrongSize, everyKind), reload);
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
