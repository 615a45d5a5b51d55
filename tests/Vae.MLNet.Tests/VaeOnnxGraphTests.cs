using Microsoft.ML.OnnxRuntime;
using Xunit;

namespace Vae.MLNet.Tests;

/// <summary>
/// Checks the ONNX scoring graph and <see cref="VaeOnnxScorer"/> against a naive double-precision forward pass written
/// from the formulas in the model's documentation, independently of how the graph arranges them.
/// </summary>
public sealed class VaeOnnxGraphTests
{
    internal const int D = 7;
    private const int K = 3;
    private const double Tolerance = 1e-5;

    public static TheoryData<VaeActivation, VaeLikelihood, int> EveryActivationLikelihoodAndBatchSize()
    {
        var data = new TheoryData<VaeActivation, VaeLikelihood, int>();
        foreach (var activation in Enum.GetValues<VaeActivation>())
            foreach (var likelihood in Enum.GetValues<VaeLikelihood>())
                foreach (int rows in new[] { 1, 1000 })
                    data.Add(activation, likelihood, rows);
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryActivationLikelihoodAndBatchSize))]
    public void EveryOutputMatchesTheManagedForwardPass(VaeActivation activation, VaeLikelihood likelihood, int rows)
    {
        var model = RandomModel(activation, likelihood, seed: 1);
        using var scorer = new VaeOnnxScorer(model);
        var batch = scorer.CreateBatch(rows, VaeOutputs.All);
        RandomFeatures(likelihood, rows, seed: 2).CopyTo(batch.Features, 0);

        scorer.Run(batch, rows);

        for (int r = 0; r < rows; r++)
        {
            var expected = Forward(model, batch.Features.AsSpan(r * D, D));
            AssertClose(expected.LatentMean, batch.LatentMean.AsSpan(r * K, K));
            AssertClose(expected.LatentLogVariance, batch.LatentLogVariance.AsSpan(r * K, K));
            AssertClose(expected.Reconstruction, batch.Reconstruction.AsSpan(r * D, D));
            AssertClose(expected.FeatureError, batch.FeatureError.AsSpan(r * D, D));
            AssertClose([expected.ReconstructionError], batch.ReconstructionError.AsSpan(r, 1));
            AssertClose([expected.KlDivergence], batch.KlDivergence.AsSpan(r, 1));
            AssertClose([expected.ReconstructionError + expected.KlDivergence], batch.Score.AsSpan(r, 1));
        }
    }

    [Fact]
    public void AWeightNameReusedWithOtherValuesIsRefusedAndWithTheSameValuesKeptOnce()
    {
        var graph = new OnnxGraphBuilder("g", "N");
        Assert.Equal("w", graph.AddInitializer("w", [1f, 2f], 2));
        Assert.Equal("w", graph.AddInitializer("w", [1f, 2f], 2));

        var error = Assert.Throws<InvalidOperationException>(() => graph.AddInitializer("w", [1f, 3f], 2));
        Assert.Contains("'w'", error.Message);
        Assert.Throws<InvalidOperationException>(() => graph.AddInitializer("w", [1f, 2f], 1, 2));
        Assert.Throws<InvalidOperationException>(() => graph.AddInt64Initializer("w", [1, 2], 2));
    }

    [Fact]
    public void BernoulliFeatureErrorStaysFiniteForLogitsBeyondFloatExpRange()
    {
        var model = RandomModel(VaeActivation.Tanh, VaeLikelihood.Bernoulli, seed: 3);
        var output = model.OutputLayer;
        var extremeBias = Enumerable.Range(0, D).Select(j => j % 2 == 0 ? 200f : -200f).ToArray();
        model = new VaeModel(model.Activation, model.Likelihood, model.EncoderLayers, model.MeanLayer, model.LogVarianceLayer,
            model.DecoderLayers, new DenseLayer(output.InputSize, output.OutputSize, output.Weight, extremeBias), []);
        using var scorer = new VaeOnnxScorer(model);
        var batch = scorer.CreateBatch(10, VaeOutputs.All);
        RandomFeatures(VaeLikelihood.Bernoulli, 10, seed: 4).CopyTo(batch.Features, 0);

        scorer.Run(batch, 10);

        Assert.All(batch.FeatureError, value => Assert.True(float.IsFinite(value)));
        for (int r = 0; r < 10; r++)
            AssertClose(Forward(model, batch.Features.AsSpan(r * D, D)).FeatureError, batch.FeatureError.AsSpan(r * D, D));
    }

    public static TheoryData<VaeActivation, VaeLikelihood, int> SlicesOfEveryModelKind()
    {
        var data = new TheoryData<VaeActivation, VaeLikelihood, int>();
        foreach (var activation in Enum.GetValues<VaeActivation>())
            foreach (var likelihood in Enum.GetValues<VaeLikelihood>())
                foreach (int capacity in new[] { 1, 37, 128, 999 })
                    data.Add(activation, likelihood, capacity);
        return data;
    }

    [Trait("Category", "Slow")]
    [Theory]
    [MemberData(nameof(SlicesOfEveryModelKind))]
    public void RunsOverSlicesWithAPartialLastBatchMatchOneRunOverAllRows(VaeActivation activation, VaeLikelihood likelihood, int capacity)
    {
        const int rows = 1000;
        var model = RandomModel(activation, likelihood, seed: 5);
        var features = RandomFeatures(likelihood, rows, seed: 6);
        using var scorer = new VaeOnnxScorer(model);
        var whole = scorer.CreateBatch(rows, VaeOutputs.All);
        features.CopyTo(whole.Features, 0);
        scorer.Run(whole, rows);

        var slice = scorer.CreateBatch(capacity, VaeOutputs.All);
        for (int start = 0; start < rows; start += capacity)
        {
            int count = Math.Min(capacity, rows - start);
            features.AsSpan(start * D, count * D).CopyTo(slice.Features);
            scorer.Run(slice, count);

            foreach (var (wholeValues, sliceValues, width) in OutputsOf(whole, slice))
                AssertWithinFloatRounding(wholeValues.AsSpan(start * width, count * width), sliceValues.AsSpan(0, count * width));
        }
    }

    [Fact]
    public void OnlyTheRequestedOutputsAreAllocatedAndWritten()
    {
        var model = RandomModel(VaeActivation.Relu, VaeLikelihood.Bernoulli, seed: 7);
        var features = RandomFeatures(VaeLikelihood.Bernoulli, 50, seed: 8);
        using var scorer = new VaeOnnxScorer(model);
        var all = scorer.CreateBatch(50, VaeOutputs.All);
        var scoreOnly = scorer.CreateBatch(50, VaeOutputs.Score | VaeOutputs.LatentMean);
        features.CopyTo(all.Features, 0);
        features.CopyTo(scoreOnly.Features, 0);

        scorer.Run(all, 50);
        scorer.Run(scoreOnly, 50);

        Assert.Equal(all.Score, scoreOnly.Score);
        Assert.Equal(all.LatentMean, scoreOnly.LatentMean);
        Assert.Empty(scoreOnly.LatentLogVariance);
        Assert.Empty(scoreOnly.Reconstruction);
        Assert.Empty(scoreOnly.FeatureError);
        Assert.Empty(scoreOnly.ReconstructionError);
        Assert.Empty(scoreOnly.KlDivergence);
    }

    [Fact]
    public void TheAggregatePosteriorScoreNeedsTrainingCodesAndFarCodesStayFinite()
    {
        var model = RandomModel(VaeActivation.Relu, VaeLikelihood.Gaussian, seed: 9);
        var error = Assert.Throws<InvalidOperationException>(() => new VaeOnnxScorer(model, new VaeScoring(VaeScoreKind.AggregatePosterior)));
        Assert.Contains("needs the training codes", error.Message);

        // Codes at the bounds of float (a damaged or adversarial file could hold them) and extreme rows still score finitely.
        var codes = new LatentCodes(K, [3e38f, -3e38f, 0, 1, 2, 3], [-80, 80, 0, 0, 0, 0]);
        var withCodes = new VaeModel(model.Activation, model.Likelihood, model.EncoderLayers, model.MeanLayer, model.LogVarianceLayer,
            model.DecoderLayers, model.OutputLayer, model.OutputLogVariance, codes);
        using var scorer = new VaeOnnxScorer(withCodes, new VaeScoring(VaeScoreKind.AggregatePosterior, LatentDensityWeight: VaeScoring.MaximumLatentDensityWeight));
        var batch = scorer.CreateBatch(3, VaeOutputs.Score);
        float[] row = [0, 1e30f, -1e30f, 5, 0, 0, 0];
        row.CopyTo(batch.Features, 0);
        Enumerable.Repeat(1e8f, D).ToArray().CopyTo(batch.Features, D);
        scorer.Run(batch, 3);
        Assert.All(batch.Score, score => Assert.True(float.IsFinite(score), $"score {score}"));
    }

    [Fact]
    public void RunRejectsTooManyRowsAndBatchesSizedForAnotherModel()
    {
        using var scorer = new VaeOnnxScorer(RandomModel(VaeActivation.Relu, VaeLikelihood.Gaussian, seed: 9));
        var batch = scorer.CreateBatch(4, VaeOutputs.Score);

        Assert.Throws<ArgumentOutOfRangeException>(() => scorer.Run(batch, 5));
        Assert.Throws<ArgumentException>(() => scorer.Run(new VaeScoreBatch(D + 1, K, 4, VaeOutputs.Score), 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => scorer.CreateBatch(4, VaeOutputs.None));
    }

    [Theory]
    [InlineData(VaeActivation.Elu, VaeLikelihood.Gaussian)]
    [InlineData(VaeActivation.Silu, VaeLikelihood.Bernoulli)]
    public void ConcurrentRunsWithSeparateBatchesEqualSequentialRuns(VaeActivation activation, VaeLikelihood likelihood)
    {
        const int threads = 4, rowsPerThread = 250, repetitions = 20;
        var model = RandomModel(activation, likelihood, seed: 10);
        var features = RandomFeatures(likelihood, threads * rowsPerThread, seed: 11);
        using var scorer = new VaeOnnxScorer(model);

        var sequential = new VaeScoreBatch[threads];
        for (int t = 0; t < threads; t++)
        {
            sequential[t] = scorer.CreateBatch(rowsPerThread, VaeOutputs.All);
            features.AsSpan(t * rowsPerThread * D, rowsPerThread * D).CopyTo(sequential[t].Features);
            scorer.Run(sequential[t], rowsPerThread);
        }

        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        using var start = new Barrier(threads);
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            try
            {
                var batch = scorer.CreateBatch(rowsPerThread, VaeOutputs.All);
                features.AsSpan(t * rowsPerThread * D, rowsPerThread * D).CopyTo(batch.Features);
                start.SignalAndWait();
                for (int i = 0; i < repetitions; i++)
                {
                    scorer.Run(batch, rowsPerThread);
                    foreach (var (expected, actual, _) in OutputsOf(sequential[t], batch))
                        Assert.Equal(expected, actual);
                }
            }
            catch (Exception e)
            {
                failures.Enqueue(e);
            }
        })).ToArray();
        foreach (var worker in workers)
            worker.Start();
        foreach (var worker in workers)
            worker.Join();

        Assert.Empty(failures);
    }

    [Fact]
    public void ExportedFileLoadsInAPlainSessionWithTheDocumentedSignature()
    {
        var model = RandomModel(VaeActivation.LeakyRelu, VaeLikelihood.Gaussian, seed: 12);
        string path = Path.Combine(Path.GetTempPath(), $"vae-{Guid.NewGuid():N}.onnx");
        try
        {
            model.ExportOnnx(path);
            using var stream = new MemoryStream();
            model.ExportOnnx(stream);
            Assert.Equal(File.ReadAllBytes(path), stream.ToArray());

            using var session = new InferenceSession(path);
            var input = Assert.Single(session.InputMetadata);
            Assert.Equal("features", input.Key);
            AssertBatchedFloat(input.Value, D);

            Assert.Equal(
                ["latent_mean", "latent_log_variance", "reconstruction", "feature_error", "reconstruction_error", "kl_divergence", "score"],
                session.OutputNames);
            var outputs = session.OutputMetadata;
            AssertBatchedFloat(outputs["latent_mean"], K);
            AssertBatchedFloat(outputs["latent_log_variance"], K);
            AssertBatchedFloat(outputs["reconstruction"], D);
            AssertBatchedFloat(outputs["feature_error"], D);
            AssertBatchedFloat(outputs["reconstruction_error"]);
            AssertBatchedFloat(outputs["kl_divergence"]);
            AssertBatchedFloat(outputs["score"]);

            const int rows = 3;
            var features = RandomFeatures(VaeLikelihood.Gaussian, rows, seed: 13);
            using var featureTensor = OrtValue.CreateTensorValueFromMemory(features, [rows, D]);
            using var runOptions = new RunOptions();
            using var results = session.Run(runOptions, ["features"], [featureTensor], ["score"]);
            var scores = results[0].GetTensorDataAsSpan<float>();
            Assert.Equal([rows], results[0].GetTensorTypeAndShape().Shape);
            for (int r = 0; r < rows; r++)
            {
                var expected = Forward(model, features.AsSpan(r * D, D));
                AssertClose([expected.ReconstructionError + expected.KlDivergence], scores.Slice(r, 1));
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>
    /// ONNX Runtime's kernels are not batch-invariant to the last bit: a single row takes a matrix-vector path and
    /// vectorized activations finish an odd-sized tensor with a scalar tail. Measured: at most 4.7e-7 relative.
    /// </summary>
    private static void AssertWithinFloatRounding(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(actual[i] - expected[i]) <= 2e-6 * Math.Max(1, Math.Abs(expected[i])),
                $"Element {i}: expected {expected[i]:R}, got {actual[i]:R}.");
    }

    private static void AssertBatchedFloat(NodeMetadata metadata, params int[] featureDimensions)
    {
        Assert.Equal(typeof(float), metadata.ElementType);
        Assert.Equal([-1, .. featureDimensions], metadata.Dimensions);
        Assert.Equal("N", metadata.SymbolicDimensions[0]);
    }

    private static IEnumerable<(float[] First, float[] Second, int Width)> OutputsOf(VaeScoreBatch first, VaeScoreBatch second)
    {
        yield return (first.LatentMean, second.LatentMean, K);
        yield return (first.LatentLogVariance, second.LatentLogVariance, K);
        yield return (first.Reconstruction, second.Reconstruction, D);
        yield return (first.FeatureError, second.FeatureError, D);
        yield return (first.ReconstructionError, second.ReconstructionError, 1);
        yield return (first.KlDivergence, second.KlDivergence, 1);
        yield return (first.Score, second.Score, 1);
    }

    private static void AssertClose(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(actual[i] - expected[i]);
            Assert.True(error <= Tolerance * Math.Max(1, Math.Abs(expected[i])),
                $"Element {i}: expected {expected[i]:R}, got {actual[i]:R} (error {error:E2}).");
        }
    }

    /// <summary>A D=7 → {5, 4} → k=3 → {4} → D=7 model with weights scaled like Kaiming-uniform initialisation.</summary>
    internal static VaeModel RandomModel(VaeActivation activation, VaeLikelihood likelihood, int seed)
    {
        var random = new Random(seed);
        DenseLayer Layer(int inputs, int outputs)
        {
            double scale = 1.5 / Math.Sqrt(inputs);
            var weight = Enumerable.Range(0, inputs * outputs).Select(_ => (float)((2 * random.NextDouble() - 1) * scale)).ToArray();
            var bias = Enumerable.Range(0, outputs).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
            return new DenseLayer(inputs, outputs, weight, bias);
        }

        var encoder = new[] { Layer(D, 5), Layer(5, 4) };
        var mean = Layer(4, K);
        var logVariance = Layer(4, K);
        var decoder = new[] { Layer(K, 4) };
        var output = Layer(4, D);
        var outputLogVariance = likelihood == VaeLikelihood.Gaussian
            ? Enumerable.Range(0, D).Select(_ => (float)(2 * random.NextDouble() - 1)).ToArray()
            : [];
        return new VaeModel(activation, likelihood, encoder, mean, logVariance, decoder, output, outputLogVariance);
    }

    /// <summary>Standardized-looking values for a Gaussian likelihood, values in [0, 1] for a Bernoulli one.</summary>
    private static float[] RandomFeatures(VaeLikelihood likelihood, int rows, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, rows * D)
            .Select(_ => (float)(likelihood == VaeLikelihood.Gaussian ? 4 * random.NextDouble() - 2 : random.NextDouble()))
            .ToArray();
    }

    private sealed record Expected(
        double[] LatentMean, double[] LatentLogVariance, double[] Reconstruction, double[] FeatureError,
        double ReconstructionError, double KlDivergence);

    /// <summary>The model's documented formulas, in double precision and in their textbook form.</summary>
    private static Expected Forward(VaeModel model, ReadOnlySpan<float> row)
    {
        double[] x = row.ToArray().Select(v => (double)v).ToArray();
        double[] hidden = x;
        foreach (var layer in model.EncoderLayers)
            hidden = Activate(model.Activation, Dense(layer, hidden));
        double[] mu = Dense(model.MeanLayer, hidden);
        double[] logVariance = Dense(model.LogVarianceLayer, hidden);

        double[] decoded = mu;
        foreach (var layer in model.DecoderLayers)
            decoded = Activate(model.Activation, Dense(layer, decoded));
        double[] output = Dense(model.OutputLayer, decoded);

        var reconstruction = new double[D];
        var featureError = new double[D];
        for (int j = 0; j < D; j++)
        {
            if (model.Likelihood == VaeLikelihood.Gaussian)
            {
                double variance = Math.Exp(model.OutputLogVariance[j]);
                reconstruction[j] = output[j];
                featureError[j] = 0.5 * ((x[j] - output[j]) * (x[j] - output[j]) / variance + Math.Log(variance) + Math.Log(2 * Math.PI));
            }
            else
            {
                reconstruction[j] = 1 / (1 + Math.Exp(-output[j]));
                featureError[j] = Math.Log(1 + Math.Exp(output[j])) - x[j] * output[j];
            }
        }

        double kl = 0;
        for (int i = 0; i < K; i++)
            kl += 1 + logVariance[i] - mu[i] * mu[i] - Math.Exp(logVariance[i]);
        return new Expected(mu, logVariance, reconstruction, featureError, featureError.Sum(), -0.5 * kl);
    }

    private static double[] Dense(DenseLayer layer, double[] input)
    {
        var result = new double[layer.OutputSize];
        for (int o = 0; o < layer.OutputSize; o++)
        {
            double sum = layer.Bias[o];
            for (int i = 0; i < layer.InputSize; i++)
                sum += layer.Weight[o * layer.InputSize + i] * input[i];
            result[o] = sum;
        }
        return result;
    }

    private static double[] Activate(VaeActivation activation, double[] values) => values.Select(v => activation switch
    {
        VaeActivation.Relu => Math.Max(0, v),
        VaeActivation.Tanh => Math.Tanh(v),
        VaeActivation.Elu => v > 0 ? v : Math.Exp(v) - 1,
        VaeActivation.LeakyRelu => v > 0 ? v : 0.01 * v,
        VaeActivation.Silu => v / (1 + Math.Exp(-v)),
        _ => throw new ArgumentOutOfRangeException(nameof(activation)),
    }).ToArray();
}
