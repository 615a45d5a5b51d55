using Microsoft.ML;
using Microsoft.ML.Data;
using Vae.MLNet.Training;

namespace Vae.MLNet.Tests;

public class BadInputTests
{
    private static readonly VaeAnomalyDetectionTrainer.Options Quick = new() { Epochs = 2, Seed = 1 };

    private sealed class VariableRow
    {
        public float[] Features { get; set; } = [];
    }

    private sealed class TextRow
    {
        public string Features { get; set; } = "";
    }

    private sealed class Prediction
    {
        public float Score { get; set; }
    }

    [Fact]
    public void NaNInTheTrainingDataNamesTheColumnAndTheFirstBadRow()
    {
        var ml = new MLContext(seed: 1);
        var rows = TestData.Gaussian(50, 0);
        rows[17].Features[2] = float.NaN;
        rows[30].Features[0] = float.PositiveInfinity;

        var error = Assert.Throws<VaeDataException>(() => ml.AnomalyDetection.Trainers.Vae(Quick).Fit(TestData.ToDataView(ml, rows)));

        Assert.Equal("Features", error.ColumnName);
        Assert.Equal(17, error.Row);
        Assert.Equal(2, error.Slot);
        Assert.Contains("Row 17 of column 'Features'", error.Message);
    }

    [Fact]
    public void InfinityAtScoringTimeNamesTheRow()
    {
        var ml = new MLContext(seed: 1);
        var model = ml.AnomalyDetection.Trainers.Vae(Quick).Fit(TestData.ToDataView(ml, TestData.Gaussian(50, 0)));
        var rows = TestData.Gaussian(2000, 0);
        rows[1500].Features[1] = float.NegativeInfinity;

        var error = Assert.Throws<VaeDataException>(() => TestData.Column(model.Transform(TestData.ToDataView(ml, rows)), "Score"));
        Assert.Equal(1500, error.Row);
    }

    /// <summary>
    /// A PredictionEngine's input row counts up with every call, so a row number would name no input: the error names
    /// the row given to Predict instead, and the engine goes on scoring afterwards.
    /// </summary>
    [Fact]
    public void NaNGivenToAPredictionEngineNamesThePredictCallNotARowNumber()
    {
        var ml = new MLContext(seed: 1);
        var model = ml.AnomalyDetection.Trainers.Vae(Quick).Fit(TestData.ToDataView(ml, TestData.Gaussian(50, 0)));
        using var engine = ml.Model.CreatePredictionEngine<LabelledRow, Prediction>(model,
            new PredictionEngineOptions { InputSchemaDefinition = TestData.SchemaFor(6) });
        var rows = TestData.Gaussian(4, 0, seed: 2);
        foreach (var row in rows[..3])
            engine.Predict(row);
        rows[3].Features[4] = float.NaN;

        var error = Assert.Throws<VaeDataException>(() => engine.Predict(rows[3]));

        Assert.Null(error.Row);
        Assert.Equal(4, error.Slot);
        Assert.StartsWith("Column 'Features' of the row given to PredictionEngine.Predict holds NaN at slot 4", error.Message);
        Assert.True(float.IsFinite(engine.Predict(rows[0]).Score));
    }

    [Fact]
    public void EmptyTrainingDataIsRejectedBeforeTraining()
    {
        var ml = new MLContext(seed: 1);
        var empty = ml.Data.FilterRowsByColumn(TestData.ToDataView(ml, TestData.Gaussian(10, 0)), "Label", 5, 6);

        var error = Assert.Throws<VaeDataException>(() => ml.AnomalyDetection.Trainers.Vae(Quick).Fit(empty));
        Assert.Contains("no rows", error.Message);
    }

    [Fact]
    public void AVariableSizeVectorIsRejectedByTheSchemaCheckAndByFit()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new[] { new VariableRow { Features = [1, 2] }, new VariableRow { Features = [1, 2, 3] } });
        var estimator = ml.AnomalyDetection.Trainers.Vae(Quick);

        var shapeError = Assert.Throws<ArgumentOutOfRangeException>(() => estimator.GetOutputSchema(MLNetInternals.ShapeOf(data.Schema)));
        var fitError = Assert.Throws<ArgumentOutOfRangeException>(() => estimator.Fit(data));
        Assert.Contains("'Features'", shapeError.Message);
        Assert.Contains("known-size vector of Single", fitError.Message);
        Assert.Contains("Vector<Single>", fitError.Message);
    }

    [Fact]
    public void AWrongColumnTypeIsRejectedWithTheColumnAndItsType()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new[] { new TextRow { Features = "a" } });

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.VaeEncode("Latent", "Features").GetOutputSchema(MLNetInternals.ShapeOf(data.Schema)));
        Assert.Contains("'Features'", error.Message);
        Assert.Contains("String", error.Message);
    }

    [Fact]
    public void AMissingColumnIsNamed()
    {
        var ml = new MLContext(seed: 1);
        var data = TestData.ToDataView(ml, TestData.Gaussian(10, 0));
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.VaeEncode("Latent", "Pixels").Fit(data));
        Assert.Contains("'Pixels' not found", error.Message);
    }

    [Fact]
    public void ScoringDataOfAnotherWidthNamesBothSizes()
    {
        var ml = new MLContext(seed: 1);
        var model = ml.AnomalyDetection.Trainers.Vae(Quick).Fit(TestData.ToDataView(ml, TestData.Gaussian(50, 0, dimension: 6)));
        var wider = TestData.ToDataView(ml, TestData.Gaussian(50, 0, dimension: 7));

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => model.Transform(wider));
        Assert.Contains("has 7 features, but the model was trained on 6", error.Message);
    }

    [Fact]
    public void ADivergingLossStopsTrainingWithAClearMessage()
    {
        var ml = new MLContext(seed: 1);
        var rows = TestData.Gaussian(200, 0);
        foreach (var row in rows)
            for (int j = 0; j < row.Features.Length; j++)
                row.Features[j] *= 1e18f;
        var options = new VaeAnomalyDetectionTrainer.Options { Epochs = 20, Seed = 1, LearningRate = 10 };

        var error = Assert.Throws<InvalidOperationException>(() => ml.AnomalyDetection.Trainers.Vae(options).Fit(TestData.ToDataView(ml, rows)));
        Assert.Contains("Training diverged", error.Message);
    }

    [Fact]
    public void BernoulliLikelihoodRejectsFeaturesOutsideTheUnitInterval()
    {
        var ml = new MLContext(seed: 1);
        var options = new VaeAnomalyDetectionTrainer.Options { Epochs = 2, Seed = 1, Likelihood = VaeLikelihood.Bernoulli };
        var error = Assert.Throws<VaeDataException>(() => ml.AnomalyDetection.Trainers.Vae(options).Fit(TestData.ToDataView(ml, TestData.Gaussian(20, 0))));
        Assert.Contains("[0, 1]", error.Message);
    }

    [Theory]
    [InlineData(nameof(VaeTrainingOptions.Epochs))]
    [InlineData(nameof(VaeTrainingOptions.LatentDimension))]
    [InlineData(nameof(VaeTrainingOptions.ValidationFraction))]
    [InlineData(nameof(VaeTrainingOptions.TrainingCodeCount))]
    [InlineData(nameof(VaeTrainingOptions.MaxTrainingRows))]
    public void InvalidOptionsAreRejectedWhenTheEstimatorIsCreated(string field)
    {
        var options = new VaeAnomalyDetectionTrainer.Options();
        typeof(VaeTrainingOptions).GetField(field)!.SetValue(options, field switch
        {
            nameof(VaeTrainingOptions.ValidationFraction) => 1.5,
            nameof(VaeTrainingOptions.MaxTrainingRows) => 0L,
            _ => (object)0,
        });
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new MLContext().AnomalyDetection.Trainers.Vae(options));
        Assert.Equal(field, error.ParamName);
    }

    [Fact]
    public void MoreThreadsThanTheMaximumAreRejectedWhenTheEstimatorIsCreated()
    {
        // A million threads: libtorch started them all, until the machine could start no process at all.
        var options = new VaeAnomalyDetectionTrainer.Options { Threads = 1_000_000 };
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new MLContext().AnomalyDetection.Trainers.Vae(options));
        Assert.Equal(nameof(VaeTrainingOptions.Threads), error.ParamName);
        Assert.Contains($"[0, {VaeTrainingOptions.MaximumThreads}]", error.Message);
    }

    [Theory]
    [InlineData(nameof(VaeTrainingOptions.LearningRate))]
    [InlineData(nameof(VaeTrainingOptions.Beta))]
    public void ARateOrWeightBeyondTheFloatRangeIsRejectedWhenTheEstimatorIsCreated(string field)
    {
        // libtorch computes in float: a learning rate of 1e300 failed in Fit with "value cannot be converted to type
        // float without overflow", and a β of 1e300 as a diverged run that blamed the learning rate.
        var options = new VaeAnomalyDetectionTrainer.Options();
        typeof(VaeTrainingOptions).GetField(field)!.SetValue(options, 1e300);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new MLContext().AnomalyDetection.Trainers.Vae(options));
        Assert.Equal(field, error.ParamName);
    }

    [Theory]
    [InlineData(nameof(VaeTrainingOptions.Activation))]
    [InlineData(nameof(VaeTrainingOptions.Likelihood))]
    [InlineData(nameof(VaeAnomalyDetectionTrainer.Options.Calibration))]
    public void AnUndefinedChoiceIsRejectedWhenTheEstimatorIsCreated(string field)
    {
        // Calibration 99 cross-fitted without a word; the others failed only in Fit, naming a parameter of no option.
        var options = new VaeAnomalyDetectionTrainer.Options();
        var member = typeof(VaeAnomalyDetectionTrainer.Options).GetField(field)!;
        member.SetValue(options, Enum.ToObject(member.FieldType, 99));
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new MLContext().AnomalyDetection.Trainers.Vae(options));
        Assert.Equal(field, error.ParamName);
    }

    [Fact]
    public void MoreDrawsThanTheMaximumAreRejectedWhenTheEstimatorIsCreated()
    {
        // int.MaxValue draws failed after every model had trained, with an OverflowException sizing their ε.
        var ml = new MLContext();
        var detector = new VaeAnomalyDetectionTrainer.Options { Score = VaeScoreKind.ImportanceWeighted, ScoreSamples = int.MaxValue };
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ml.AnomalyDetection.Trainers.Vae(detector));
        Assert.Contains(nameof(detector.ScoreSamples), error.Message);
        Assert.Contains($"{VaeScoring.MaximumSamples}", error.Message);
        var imputer = new VaeImputeEstimator.Options { ImputationSamples = int.MaxValue };
        error = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.VaeImpute(imputer));
        Assert.Equal(nameof(imputer.ImputationSamples), error.ParamName);
    }

    [Theory]
    [InlineData(nameof(VaeTrainingOptions.LatentDimension))]
    [InlineData(nameof(VaeTrainingOptions.HiddenLayerSizes))]
    public void ANetworkLargerThanAnOnnxGraphHoldsIsRejectedBeforeTraining(string field)
    {
        // libtorch refused these with "DefaultCPUAllocator: can't allocate memory"; a network that fitted in memory but
        // not in the 2 GB of an ONNX graph trained, then could be neither scored nor saved.
        var ml = new MLContext(seed: 1);
        var epochs = 0;
        var options = new VaeAnomalyDetectionTrainer.Options { Epochs = 1, Seed = 1, Progress = _ => epochs++ };
        if (field == nameof(VaeTrainingOptions.LatentDimension))
            options.LatentDimension = int.MaxValue;
        else
            options.HiddenLayerSizes = [int.MaxValue];
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ml.AnomalyDetection.Trainers.Vae(options).Fit(TestData.ToDataView(ml, TestData.Gaussian(50, 0))));
        Assert.Equal(field, error.ParamName);
        Assert.Contains("ONNX graph", error.Message);
        Assert.Equal(0, epochs);
    }

    [Theory]
    [InlineData(VaeLikelihood.Gaussian, true, VaeMissingValues.Error)]
    [InlineData(VaeLikelihood.Gaussian, false, VaeMissingValues.Model)]
    [InlineData(VaeLikelihood.Bernoulli, true, VaeMissingValues.Model)]
    public void TheSizeCheckCountsTheParametersTheNetworkHas(VaeLikelihood likelihood, bool learnedVariance, VaeMissingValues missingValues)
    {
        TorchSharp.torch.InitializeDeviceType(TorchSharp.DeviceType.CPU);
        using var generator = new TorchSharp.torch.Generator();
        using var network = new VaeNetwork(5, [7, 3], 2, VaeActivation.Relu, likelihood, learnedVariance, missingValues, generator);
        Assert.Equal(network.parameters().Sum(p => p.numel()),
            (long)VaeNetwork.ParameterCount(5, [7, 3], 2, likelihood == VaeLikelihood.Gaussian && learnedVariance, missingValues));
    }

    [Fact]
    public void MoreTrainingCodesThanTheMaximumAreRejectedWhenTheEstimatorIsCreated()
    {
        var options = new VaeAnomalyDetectionTrainer.Options { TrainingCodeCount = VaeTrainingOptions.MaximumTrainingCodeCount + 1 };
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new MLContext().AnomalyDetection.Trainers.Vae(options));
        Assert.Equal(nameof(VaeTrainingOptions.TrainingCodeCount), error.ParamName);
        Assert.Contains("[1, 65536]", error.Message);
    }

    [Fact]
    public void AddedColumnsOfOneNameAreRejectedBeforeTraining()
    {
        // Before, the latent mean was hidden behind a log-variance of its name, FeatureErrorColumnName = "Score" made the
        // detector's Score a vector, and Model.Save failed in ONNX Runtime ("Duplicate definition of name").
        var ml = new MLContext(seed: 1);
        var error = Assert.Throws<ArgumentException>(() => ml.Transforms.VaeEncode(
            new VaeEncodeEstimator.Options { OutputColumnName = "Latent", LogVarianceColumnName = "Latent" }));
        Assert.Equal(nameof(VaeEncodeEstimator.Options.LogVarianceColumnName), error.ParamName);
        Assert.Contains("'Latent'", error.Message);
        Assert.Throws<ArgumentException>(() => ml.Transforms.VaeEncode(
            new VaeEncodeEstimator.Options { OutputColumnName = "Latent", ReconstructionColumnName = "Latent" }));
        foreach (string name in new[] { "Score", "PredictedLabel" })
            Assert.Equal(nameof(VaeAnomalyDetectionTrainer.Options.FeatureErrorColumnName), Assert.Throws<ArgumentException>(() =>
                ml.AnomalyDetection.Trainers.Vae(new VaeAnomalyDetectionTrainer.Options { FeatureErrorColumnName = name })).ParamName);
        Assert.Throws<ArgumentException>(() => ml.AnomalyDetection.Trainers.Vae(
            new VaeAnomalyDetectionTrainer.Options { FeatureErrorColumnName = "PValue", AddPValueColumn = true }));
        ml.AnomalyDetection.Trainers.Vae(new VaeAnomalyDetectionTrainer.Options { FeatureErrorColumnName = "PValue" });

        var model = ml.Transforms.VaeEncode(new VaeEncodeEstimator.Options { Epochs = 1, LatentDimension = 2, HiddenLayerSizes = [8] })
            .Fit(TestData.ToDataView(ml, TestData.Gaussian(20, 0))).Model;
        Assert.Throws<ArgumentException>(() => new VaeEncodeTransformer(model, "Latent", "Features", sampleColumnName: "Latent"));
    }

    [Theory]
    [InlineData(nameof(VaeEncodeEstimator.Options.LogVarianceColumnName))]
    [InlineData(nameof(VaeEncodeEstimator.Options.SampleColumnName))]
    [InlineData(nameof(VaeEncodeEstimator.Options.ReconstructionColumnName))]
    [InlineData(nameof(VaeAnomalyDetectionTrainer.Options.FeatureErrorColumnName))]
    public void AnAddedColumnWithAnEmptyNameIsRejectedBeforeTraining(string option)
    {
        // Before, LogVarianceColumnName = "" trained the model and then failed with "Value cannot be null. (Parameter
        // 'name')"; null is the way to ask for no such column.
        var ml = new MLContext(seed: 1);
        foreach (string empty in new[] { "", " " })
        {
            var error = Assert.Throws<ArgumentException>(() =>
            {
                if (option == nameof(VaeAnomalyDetectionTrainer.Options.FeatureErrorColumnName))
                    ml.AnomalyDetection.Trainers.Vae(new VaeAnomalyDetectionTrainer.Options { FeatureErrorColumnName = empty });
                else
                    ml.Transforms.VaeEncode(new VaeEncodeEstimator.Options
                    {
                        LogVarianceColumnName = option == nameof(VaeEncodeEstimator.Options.LogVarianceColumnName) ? empty : null,
                        SampleColumnName = option == nameof(VaeEncodeEstimator.Options.SampleColumnName) ? empty : null,
                        ReconstructionColumnName = option == nameof(VaeEncodeEstimator.Options.ReconstructionColumnName) ? empty : null,
                    });
            });
            Assert.Equal(option, error.ParamName);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    public void AnEmptyInputColumnNameIsRejectedNamingTheParameterTheCallerUsed(string empty)
    {
        // Before, each named 'featureColumnName', a parameter of an internal class the caller never saw.
        var ml = new MLContext(seed: 1);
        Assert.Equal("inputColumnName", Assert.Throws<ArgumentException>(() => ml.Transforms.VaeEncode("L", empty)).ParamName);
        Assert.Equal("inputColumnName", Assert.Throws<ArgumentException>(() => ml.Transforms.VaeImpute("F", empty)).ParamName);
        Assert.Equal("featureColumnName", Assert.Throws<ArgumentException>(() => ml.AnomalyDetection.Trainers.Vae(empty)).ParamName);
        Assert.Equal(nameof(VaeEncodeEstimator.Options.InputColumnName),
            Assert.Throws<ArgumentException>(() => ml.Transforms.VaeEncode(new VaeEncodeEstimator.Options { InputColumnName = empty })).ParamName);
        Assert.Equal(nameof(VaeImputeEstimator.Options.InputColumnName),
            Assert.Throws<ArgumentException>(() => ml.Transforms.VaeImpute(new VaeImputeEstimator.Options { InputColumnName = empty })).ParamName);
        Assert.Equal(nameof(VaeAnomalyDetectionTrainer.Options.FeatureColumnName),
            Assert.Throws<ArgumentException>(() => ml.AnomalyDetection.Trainers.Vae(new VaeAnomalyDetectionTrainer.Options { FeatureColumnName = empty })).ParamName);
    }
}
