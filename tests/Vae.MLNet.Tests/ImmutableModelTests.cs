using Microsoft.ML;
using Vae.MLNet.Training;

namespace Vae.MLNet.Tests;

/// <summary>A model hands out no array it holds, and keeps none it was given: its scores cannot change under a session.</summary>
public class ImmutableModelTests
{
    private static (VaeAnomalyDetectionTransformer Detector, IDataView Data) Trained()
    {
        var ml = new MLContext(seed: 1);
        var data = TestData.ToDataView(ml, TestData.Gaussian(200, 5));
        var detector = ml.AnomalyDetection.Trainers.Vae(new VaeAnomalyDetectionTrainer.Options { Epochs = 3, Seed = 1, HiddenLayerSizes = [8] }).Fit(data);
        return (detector, data);
    }

    [Fact]
    public void WhatTheGettersReturnCannotBeWrittenThrough()
    {
        var model = Trained().Detector.Model;

        Assert.Throws<NotSupportedException>(() => ((IList<float>)model.EncoderLayers[0].Weight)[0] = 1e6f);
        Assert.Throws<NotSupportedException>(() => ((IList<float>)model.OutputLayer.Bias)[0] = 1e6f);
        Assert.Throws<NotSupportedException>(() => ((IList<float>)model.OutputLogVariance)[0] = 1e6f);
        Assert.Throws<NotSupportedException>(() => ((IList<float>)model.TrainingCodes!.Means)[0] = 1e6f);
        Assert.Throws<NotSupportedException>(() => ((IList<float>)model.TrainingCodes!.LogVariances)[0] = 1e6f);
        Assert.Throws<NotSupportedException>(() => ((IList<DenseLayer>)model.EncoderLayers)[0] = model.OutputLayer);
    }

    [Fact]
    public void ChangingTheArraysAModelWasBuiltFromDoesNotChangeItsScores()
    {
        var (detector, data) = Trained();
        var model = detector.Model;
        var weight = model.EncoderLayers[0].Weight.ToArray();
        var outputLogVariance = model.OutputLogVariance.ToArray();
        var means = model.TrainingCodes!.Means.ToArray();
        var rowMean = model.MinorComponents!.Mean.ToArray();
        var copy = new VaeModel(model.Activation, model.Likelihood,
            [new DenseLayer(model.EncoderLayers[0].InputSize, model.EncoderLayers[0].OutputSize, weight, model.EncoderLayers[0].Bias)],
            model.MeanLayer, model.LogVarianceLayer, model.DecoderLayers, model.OutputLayer, outputLogVariance,
            new LatentCodes(model.LatentDimension, means, model.TrainingCodes.LogVariances),
            minorComponents: new MinorComponents(rowMean, model.MinorComponents.ScaledVectors));
        using var scored = new VaeAnomalyDetectionTransformer(copy, "Features", detector.Threshold);
        var before = TestData.Column(scored.Transform(data), "Score");

        Array.Fill(weight, 1e3f);
        Array.Fill(outputLogVariance, -20f);
        Array.Fill(means, 50f);
        Array.Fill(rowMean, 50f);
        scored.Dispose(); // a new session, built from what the model holds now

        Assert.Equal(before, TestData.Column(scored.Transform(data), "Score"));
        Assert.Equal(TestData.Column(detector.Transform(data), "Score"), before);
    }
}
