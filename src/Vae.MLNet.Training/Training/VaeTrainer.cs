using System.Diagnostics;
using Microsoft.ML.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Vae.MLNet.Training;

/// <summary>
/// The training loop: mini-batches sliced from one tensor that holds every row, Adam on the negative ELBO with a
/// β-weighted, optionally warmed-up KL term, early stopping on held-out rows with the best weights restored.
/// </summary>
internal static class VaeTrainer
{
    // TorchSharp's weight initialization and randn_like draw from one global generator: training runs one at a
    // time so that a seed alone fixes the result.
    private static readonly object GlobalGeneratorLock = new();

    /// <summary>Trains on <paramref name="rows"/> rows of <paramref name="dimension"/> features, row-major in <paramref name="data"/>.</summary>
    public static VaeModel Train(float[] data, int rows, int dimension, VaeTrainingOptions options, int seed, string columnName, IChannel? channel)
    {
        options.Validate();
        if (options.Likelihood == VaeLikelihood.Bernoulli)
            CheckUnitInterval(data, dimension, columnName);

        lock (GlobalGeneratorLock)
        {
            if (options.Threads > 0)
                torch.set_num_threads(options.Threads);
            torch.manual_seed(seed);
            using var network = new VaeNetwork(dimension, options.HiddenLayersFor(dimension), options.LatentDimension,
                options.Activation, options.Likelihood, options.LearnOutputVariance);
            // from_array shares the buffer the column was read into (pinned while the tensor lives) rather than
            // copying it: the rows are in memory once, whatever their number.
            using var flat = from_array(data);
            using var all = flat.view(rows, dimension);
            var (train, validation) = Split(rows, options.ValidationFraction, seed);
            using (train)
            using (validation)
                Fit(network, all, train, validation, options, channel);
            return network.ToModel();
        }
    }

    /// <summary>Trains on the rows of <paramref name="all"/> listed in <paramref name="train"/> (every row when null).</summary>
    private static void Fit(VaeNetwork network, Tensor all, Tensor? train, Tensor? validation, VaeTrainingOptions options, IChannel? channel)
    {
        using var optimizer = optim.Adam(network.parameters(), options.LearningRate);
        var clock = Stopwatch.StartNew();
        var best = new BestWeights(network);
        long n = train?.shape[0] ?? all.shape[0];
        int epochsWithoutImprovement = 0;
        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            double beta = options.KlWarmupEpochs == 0 ? options.Beta : options.Beta * Math.Min(1.0, epoch / (double)options.KlWarmupEpochs);
            network.train();
            // The epoch's summed reconstruction and KL terms stay in one tensor until the epoch ends: reading a
            // value back per batch costs as much as a small layer.
            using var sums = zeros(2);
            using (var permutation = randperm(n))
            using (var order = train is null ? permutation.alias() : train.index_select(0, permutation))
            {
                for (long start = 0; start < n; start += options.BatchSize)
                {
                    using var scope = NewDisposeScope();
                    var x = all.index_select(0, order.narrow(0, start, Math.Min(options.BatchSize, n - start)));
                    var forward = network.forward(x);
                    var reconstruction = VaeLoss.Reconstruction(x, forward.Decoded, network.OutputLogVariance, options.Likelihood).sum();
                    var kl = VaeLoss.KlDivergence(forward.Mean, forward.LogVariance).sum();
                    var loss = beta == 1 ? reconstruction + kl : reconstruction + beta * kl;
                    optimizer.zero_grad();
                    (loss / x.shape[0]).backward();
                    optimizer.step();
                    using (no_grad())
                        sums.add_(stack([reconstruction, kl]));
                }
            }
            var (reconstructionSum, klSum) = (sums[0].item<float>(), sums[1].item<float>());
            double lossSum = reconstructionSum + beta * klSum;
            // A diverged step leaves non-finite weights, which poison every later loss: checking once per epoch catches it.
            if (!double.IsFinite(lossSum))
                throw new InvalidOperationException(
                    $"Training diverged in epoch {epoch}: the loss became {lossSum}. " +
                    $"Lower LearningRate (now {options.LearningRate}) or standardize the features.");

            double? validationLoss = validation is null ? null : MeanScore(network, all, validation, options.Likelihood);
            var report = new VaeEpochReport(epoch, options.Epochs, lossSum / n, reconstructionSum / n, klSum / n, validationLoss, clock.Elapsed);
            channel?.Info(MessageSensitivity.None,
                $"VAE epoch {epoch}/{options.Epochs}: loss {report.TrainLoss:G5} (reconstruction {report.Reconstruction:G5}, KL {report.KlDivergence:G5})" +
                (validationLoss is double v ? $", validation {v:G5}" : "") + $", {clock.Elapsed.TotalSeconds:F1}s");
            options.Progress?.Invoke(report);

            if (validationLoss is not double current)
                continue;
            if (best.Offer(current))
                epochsWithoutImprovement = 0;
            else if (++epochsWithoutImprovement >= options.EarlyStoppingPatience)
            {
                channel?.Info(MessageSensitivity.None, $"VAE early stopping at epoch {epoch}; restoring the weights of the best validation loss {best.Loss:G5}.");
                break;
            }
        }
        best.Restore();
    }

    /// <summary>The mean anomaly score (negative ELBO at z = μ) of the rows of <paramref name="all"/> listed in <paramref name="rows"/>.</summary>
    private static double MeanScore(VaeNetwork network, Tensor all, Tensor rows, VaeLikelihood likelihood)
    {
        // In blocks, so that a large held-out set never needs its activations in memory all at once.
        const long block = 65536;
        using var noGrad = no_grad();
        network.eval();
        double sum = 0;
        long count = rows.shape[0];
        for (long start = 0; start < count; start += block)
        {
            using var scope = NewDisposeScope();
            var x = all.index_select(0, rows.narrow(0, start, Math.Min(block, count - start)));
            var forward = network.Forward(x, sample: false);
            var score = VaeLoss.Reconstruction(x, forward.Decoded, network.OutputLogVariance, likelihood)
                + VaeLoss.KlDivergence(forward.Mean, forward.LogVariance);
            sum += score.sum().item<float>();
        }
        return sum / count;
    }

    /// <summary>The indices of the training and the held-out rows; (null, null) to train on every row.</summary>
    private static (Tensor? Train, Tensor? Validation) Split(int rows, double fraction, int seed)
    {
        int held = (int)Math.Floor(rows * fraction);
        // Too few held-out rows make the stopping epoch a coin toss: train on everything instead.
        if (held < 8 || rows - held < 8)
            return (null, null);
        var order = Enumerable.Range(0, rows).Select(i => (long)i).ToArray();
        new Random(seed).Shuffle(order);
        return (tensor(order[held..]), tensor(order[..held]));
    }

    private static void CheckUnitInterval(float[] data, int dimension, string columnName)
    {
        for (int i = 0; i < data.Length; i++)
            if (data[i] is < 0 or > 1)
                throw new VaeDataException(columnName, i / dimension,
                    $"Row {i / dimension} of column '{columnName}' holds {data[i]} at slot {i % dimension}: the Bernoulli likelihood needs features in [0, 1].", i % dimension);
    }

    /// <summary>A copy of the weights at the best validation loss so far.</summary>
    private sealed class BestWeights(VaeNetwork network)
    {
        private Tensor[]? _weights;

        public double Loss { get; private set; } = double.PositiveInfinity;

        public bool Offer(double loss)
        {
            if (!(loss < Loss - 1e-4 * Math.Abs(Loss)) && _weights != null)
                return false;
            Loss = loss;
            Dispose();
            _weights = network.parameters().Select(p => p.detach().clone()).ToArray();
            return true;
        }

        public void Restore()
        {
            if (_weights is null)
                return;
            using (no_grad())
                foreach (var (parameter, weight) in network.parameters().Zip(_weights))
                    parameter.copy_(weight);
            Dispose();
        }

        private void Dispose()
        {
            foreach (var weight in _weights ?? [])
                weight.Dispose();
            _weights = null;
        }
    }
}
