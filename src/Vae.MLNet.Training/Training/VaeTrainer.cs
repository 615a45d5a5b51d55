using System.Diagnostics;
using Microsoft.ML.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Vae.MLNet.Training;

/// <summary>
/// The training loop: mini-batches sliced from one tensor that holds every row, Adam on the negative ELBO with a
/// β-weighted, optionally warmed-up KL term, early stopping on held-out rows with the best weights restored.
/// </summary>
internal static class VaeTrainer
{
    /// <summary>
    /// Held by whatever draws from TorchSharp's one global generator (weight initialization, randperm, randn_like):
    /// training runs one at a time, and no network is built while one trains, so that a seed alone fixes the result.
    /// </summary>
    internal static readonly object GlobalGeneratorLock = new();

    /// <summary>
    /// Trains on <paramref name="rows"/> rows of <paramref name="dimension"/> features, row-major in <paramref name="data"/>.
    /// <paramref name="heldOut"/> lists the rows held out for early stopping, in a seeded random order (empty when
    /// none are): no gradient step and no kept code comes from them, so they score as new rows do.
    /// </summary>
    public static VaeModel Train(float[] data, int rows, int dimension, VaeTrainingOptions options, int seed, string columnName, IChannel? channel,
        out long[] heldOut)
    {
        options.Validate();
        if (options.Likelihood == VaeLikelihood.Bernoulli)
            CheckUnitInterval(data, dimension, columnName);
        var checkpoint = TrainingCheckpoint.For(options, seed, data, rows, dimension);

        lock (GlobalGeneratorLock)
        {
            if (options.Threads > 0)
                torch.set_num_threads(options.Threads);
            torch.manual_seed(seed);
            using var network = new VaeNetwork(dimension, options.HiddenLayers, options.LatentDimension,
                options.Activation, options.Likelihood, options.LearnOutputVariance);
            // from_array shares the buffer the column was read into (pinned while the tensor lives) rather than
            // copying it: the rows are in memory once, whatever their number.
            using var flat = from_array(data);
            using var all = flat.view(rows, dimension);
            // One seeded order of the rows serves both the held-out split and the sample of codes.
            var order = Enumerable.Range(0, rows).Select(i => (long)i).ToArray();
            new Random(seed).Shuffle(order);
            int held = HeldOutCount(rows, options.ValidationFraction);
            heldOut = order[..held];
            using (var train = held == 0 ? null : tensor(order[held..]))
            using (var validation = held == 0 ? null : tensor(heldOut))
                Fit(network, all, train, validation, options, checkpoint, channel);
            return network.ToModel(TrainingCodes(network, all, order[held..], options.TrainingCodeCount));
        }
    }

    /// <summary>
    /// Trains on the rows of <paramref name="all"/> listed in <paramref name="train"/> (every row when null), from
    /// the checkpoint if the options say so, until the epoch limit or early stopping.
    /// </summary>
    private static void Fit(VaeNetwork network, Tensor all, Tensor? train, Tensor? validation, VaeTrainingOptions options,
        TrainingCheckpoint? checkpoint, IChannel? channel)
    {
        using var optimizer = optim.Adam(network.parameters(), options.LearningRate);
        using var state = new TrainingState(network, optimizer);
        if (options.ResumeFromCheckpoint && checkpoint!.TryResume(state))
            channel?.Info(MessageSensitivity.None, $"VAE training resumes after epoch {state.Epoch} from '{options.CheckpointPath}'.");
        var clock = Stopwatch.StartNew();
        long n = train?.shape[0] ?? all.shape[0];
        int epochs = options.EpochsFor(n);
        while (!state.Finished)
        {
            int epoch = ++state.Epoch;
            double beta = options.KlWarmupEpochs == 0 ? options.Beta : options.Beta * Math.Min(1.0, epoch / (double)options.KlWarmupEpochs);
            var (reconstructionSum, klSum) = RunEpoch(network, optimizer, all, train, n, beta, options);
            double lossSum = reconstructionSum + beta * klSum;
            // A diverged step leaves non-finite weights, which poison every later loss: checking once per epoch catches it.
            if (!double.IsFinite(lossSum))
                throw new InvalidOperationException(
                    $"Training diverged in epoch {epoch}: the loss became {lossSum}. " +
                    $"Lower LearningRate (now {options.LearningRate}) or standardize the features.");

            double? validationLoss = validation is null ? null : MeanScore(network, all, validation, options.Likelihood);
            var report = new VaeEpochReport(epoch, epochs, lossSum / n, reconstructionSum / n, klSum / n, validationLoss, clock.Elapsed);
            channel?.Info(MessageSensitivity.None,
                $"VAE epoch {epoch}/{epochs}: loss {report.TrainLoss:G5} (reconstruction {report.Reconstruction:G5}, KL {report.KlDivergence:G5})" +
                (validationLoss is double v ? $", validation {v:G5}" : "") + $", {clock.Elapsed.TotalSeconds:F1}s");
            options.Progress?.Invoke(report);

            bool stopEarly = false;
            if (validationLoss is double current)
            {
                if (state.Best.Offer(current))
                    state.EpochsWithoutImprovement = 0;
                else
                    stopEarly = ++state.EpochsWithoutImprovement >= options.EarlyStoppingPatience;
            }
            if (stopEarly)
                channel?.Info(MessageSensitivity.None, $"VAE early stopping at epoch {epoch}; restoring the weights of the best validation loss {state.Best.Loss:G5}.");
            state.Finished = stopEarly || epoch >= epochs;
            if (checkpoint != null && (state.Finished || epoch % options.CheckpointInterval == 0))
                checkpoint.Write(state);
        }
        state.Best.Restore();
    }

    /// <summary>One pass over the training rows in a fresh random order; returns the summed reconstruction and KL terms.</summary>
    private static (double Reconstruction, double Kl) RunEpoch(VaeNetwork network, OptimizerHelper optimizer, Tensor all, Tensor? train,
        long n, double beta, VaeTrainingOptions options)
    {
        network.train();
        // Each batch's two terms are kept (detaching costs no kernel) and summed once the epoch ends: reading a
        // value back, or adding it to a running sum, per batch costs as much as a small layer.
        var terms = new List<Tensor>();
        try
        {
            using var permutation = randperm(n);
            using var order = train is null ? permutation.alias() : train.index_select(0, permutation);
            for (long start = 0; start < n; start += options.BatchSize)
            {
                options.CancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var x = all.index_select(0, order.narrow(0, start, Math.Min(options.BatchSize, n - start)));
                var forward = network.forward(x);
                var reconstruction = VaeLoss.ReconstructionSum(x, forward.Decoded, network.OutputLogVariance, options.Likelihood);
                var kl = VaeLoss.KlDivergenceSum(forward.Mean, forward.LogVariance);
                var loss = beta == 1 ? reconstruction + kl : reconstruction + beta * kl;
                optimizer.zero_grad();
                (loss / x.shape[0]).backward();
                optimizer.step();
                terms.Add(reconstruction.detach().DetachFromDisposeScope());
                terms.Add(kl.detach().DetachFromDisposeScope());
            }
            using var sumScope = NewDisposeScope();
            var sums = stack(terms).view(-1, 2).sum(0, type: ScalarType.Float64).data<double>().ToArray();
            return (sums[0] + n * VaeLoss.ConstantPerRow(options.Likelihood, all.shape[1]), sums[1]);
        }
        finally
        {
            foreach (var term in terms)
                term.Dispose();
        }
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

    /// <summary>
    /// The posteriors of the first <paramref name="count"/> rows of the seeded <paramref name="trainingOrder"/> (the
    /// rows trained on), or of all of them if there are no more. Held-out rows stay out: a row's own code in the
    /// mixture makes its density high, so a held-out row scores like a new row only if its code is not there.
    /// </summary>
    private static LatentCodes TrainingCodes(VaeNetwork network, Tensor all, long[] trainingOrder, int count)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        network.eval();
        var rows = all.index_select(0, tensor(trainingOrder[..Math.Min(count, trainingOrder.Length)]));
        var forward = network.Forward(rows, sample: false);
        return new LatentCodes((int)forward.Mean.shape[1], forward.Mean.data<float>().ToArray(), forward.LogVariance.data<float>().ToArray());
    }

    /// <summary>How many of <paramref name="rows"/> rows are held out for early stopping; 0 to train on every row.</summary>
    private static int HeldOutCount(int rows, double fraction)
    {
        int held = (int)Math.Floor(rows * fraction);
        // Too few held-out rows make the stopping epoch a coin toss: train on everything instead.
        return held < 8 || rows - held < 8 ? 0 : held;
    }

    private static void CheckUnitInterval(float[] data, int dimension, string columnName)
    {
        for (int i = 0; i < data.Length; i++)
            if (data[i] is < 0 or > 1)
                throw new VaeDataException(columnName, i / dimension,
                    $"Row {i / dimension} of column '{columnName}' holds {data[i]} at slot {i % dimension}: the Bernoulli likelihood needs features in [0, 1].", i % dimension);
    }
}
