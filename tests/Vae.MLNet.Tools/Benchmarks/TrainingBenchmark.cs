using System.Diagnostics;
using Microsoft.ML;
using TorchSharp;
using Vae.MLNet.Training;
using static TorchSharp.torch;

namespace Vae.MLNet.Tools;

/// <summary>
/// Training speed side by side: our trainer inside ML.NET (reading the column, the loop, the threshold) against a bare
/// TorchSharp loop that trains the same network on a tensor built beforehand, with the same batch size and threads.
/// </summary>
internal static class TrainingBenchmark
{
    /// <summary>Seconds per epoch of our trainer, from its progress reports (so reading and thresholding are left out).</summary>
    public static double OursSecondsPerEpoch(MLContext ml, IDataView data, string column, int[] hidden, int latent, int batchSize, int epochs, int seed)
    {
        var elapsed = new List<double>();
        ml.AnomalyDetection.Trainers.Vae(new VaeAnomalyDetectionTrainer.Options
        {
            FeatureColumnName = column,
            HiddenLayerSizes = hidden,
            LatentDimension = latent,
            BatchSize = batchSize,
            Epochs = epochs,
            ValidationFraction = 0,
            Seed = seed,
            // The final model's epochs only: with no held-out rows, calibration cross-fits five more models.
            Progress = report => { if (report.CalibrationFold == 0) elapsed.Add(report.Elapsed.TotalSeconds); },
        }).Fit(data);
        // Epoch 1 includes TorchSharp's warm-up: time the others.
        return (elapsed[^1] - elapsed[0]) / (elapsed.Count - 1);
    }

    /// <summary>Seconds per epoch of a plain loop: the same layers, Adam, reparameterized Gaussian VAE loss.</summary>
    public static double BareSecondsPerEpoch(float[] features, int rows, int dimension, int[] hidden, int latent, int batchSize, int epochs, int seed)
    {
        torch.manual_seed(seed);
        using var data = tensor(features, new long[] { rows, dimension });
        var encoder = Mlp(dimension, hidden);
        var decoder = Mlp(latent, hidden.Reverse().ToArray());
        var mean = nn.Linear(hidden[^1], latent);
        var logVariance = nn.Linear(hidden[^1], latent);
        var output = nn.Linear(hidden[0], dimension);
        var outputLogVariance = nn.Parameter(zeros(dimension));
        var parameters = new[] { encoder, decoder, mean, logVariance, output }.SelectMany(m => m.parameters()).Append(outputLogVariance);
        using var adam = optim.Adam(parameters, 1e-3);
        var clock = new Stopwatch();
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            if (epoch == 1)
                clock.Start();
            using var order = randperm(rows);
            for (long start = 0; start < rows; start += batchSize)
            {
                using var scope = NewDisposeScope();
                var x = data.index_select(0, order.narrow(0, start, Math.Min(batchSize, rows - start)));
                var h = encoder.forward(x);
                var mu = mean.forward(h);
                var lv = logVariance.forward(h);
                var z = mu + exp(0.5 * lv) * randn_like(mu);
                var reconstruction = output.forward(decoder.forward(z));
                var nll = 0.5 * ((x - reconstruction).square() * exp(-outputLogVariance) + outputLogVariance).sum();
                var kl = -0.5 * (1 + lv - mu.square() - lv.exp()).sum();
                adam.zero_grad();
                ((nll + kl) / x.shape[0]).backward();
                adam.step();
            }
        }
        return clock.Elapsed.TotalSeconds / (epochs - 1);
    }

    /// <summary>Multiply-adds per row of one training step: forward and backward through every linear layer, about 3× the forward.</summary>
    public static double FlopsPerRow(int dimension, int[] hidden, int latent)
    {
        var sizes = new[] { dimension }.Concat(hidden).ToArray();
        double encoder = sizes.Zip(sizes.Skip(1), (a, b) => (double)a * b).Sum() + 2.0 * hidden[^1] * latent;
        var decoderSizes = new[] { latent }.Concat(hidden.Reverse()).Append(dimension).ToArray();
        double decoder = decoderSizes.Zip(decoderSizes.Skip(1), (a, b) => (double)a * b).Sum();
        return 2 * 3 * (encoder + decoder);
    }

    /// <summary>The machine's float matrix-multiply rate through TorchSharp (GFLOP/s), 1024² by 1024².</summary>
    public static double MatMulPeakGflops()
    {
        using var a = randn(1024, 1024);
        using var b = randn(1024, 1024);
        for (int i = 0; i < 3; i++)
            using (a.mm(b)) { }
        var clock = Stopwatch.StartNew();
        const int repeats = 20;
        for (int i = 0; i < repeats; i++)
            using (a.mm(b)) { }
        return repeats * 2.0 * 1024 * 1024 * 1024 / clock.Elapsed.TotalSeconds / 1e9;
    }

    private static nn.Module<Tensor, Tensor> Mlp(int input, int[] sizes)
    {
        var layers = new List<nn.Module<Tensor, Tensor>>();
        foreach (int size in sizes)
        {
            layers.Add(nn.Linear(input, size));
            layers.Add(nn.ReLU());
            input = size;
        }
        return nn.Sequential(layers);
    }
}
