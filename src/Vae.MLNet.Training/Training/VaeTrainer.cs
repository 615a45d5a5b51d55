using System.Diagnostics;
using Microsoft.ML.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Vae.MLNet.Training;

/// <summary>
/// The training loop: mini-batches sliced from one tensor that holds every row, Adam on the negative ELBO with a
/// β-weighted, optionally warmed-up KL term, early stopping on held-out rows with the best weights restored, and a
/// diverging run stopped at the weights of its best epoch (<see cref="TrainingDivergence"/>).
/// </summary>
internal static class VaeTrainer
{
    /// <summary>
    /// Trains on <paramref name="rows"/> rows of the model-space cells of <paramref name="layout"/>, row-major in <paramref name="data"/>.
    /// <paramref name="heldOut"/> lists the rows held out for early stopping, in a seeded random order (empty when
    /// none are): no gradient step and no kept code comes from them, so they score as new rows do.
    /// <paramref name="minorComponentsOnAnyRowCount"/> fits the minor components on however few rows are trained on
    /// (<see cref="MinorComponentsFit.Fit"/>).
    /// </summary>
    public static VaeModel Train(float[] data, int rows, VaeInputLayout layout, VaeTrainingOptions options, int seed, string columnName, IChannel? channel,
        out long[] heldOut, bool minorComponentsOnAnyRowCount = false)
    {
        options.Validate();
        int dimension = layout.Cells;
        if (options.Likelihood == VaeLikelihood.Bernoulli)
            CheckUnitInterval(data, dimension, columnName);
        CheckGraphSize(dimension, options);
        var checkpoint = TrainingCheckpoint.For(options, seed, data, rows, layout);

        using var threads = TorchThreads.Use(options.Threads);
        // The run's own generator draws everything random (initial weights, mini-batch orders, ε), so the seed alone
        // fixes the result and runs in one process may overlap. Seeded as torch.manual_seed seeds the global one.
        // TorchSharp finds libtorch (in the application's folder or, in a notebook kernel, in the libtorch package)
        // when its torch class is first used; a Generator calls the native library directly, so torch goes first.
        torch.InitializeDeviceType(DeviceType.CPU);
        using var generator = new Generator();
        generator.manual_seed(seed);
        using var network = new VaeNetwork(dimension, options.HiddenLayers, options.LatentDimension,
            options.Activation, options.Likelihood, options.LearnOutputVariance, options.MissingValues, generator);
        // from_array shares the buffer the column was read into (pinned while the tensor lives) rather than
        // copying it: the rows are in memory once, whatever their number (twice more, filled and masked, when cells are missing).
        using var all = new TrainingRows(data, rows, dimension, options.MissingValues, layout);
        // One seeded order of the rows serves both the held-out split and the sample of codes; copies of a row stay on
        // one side of the split, so that the held-out rows (early stopping, calibration) are rows the model did not learn.
        var groups = RowGroups.Shuffled(data, rows, dimension, new Random(seed));
        var order = groups.Order;
        int held = HeldOutCount(rows, options.ValidationFraction, groups);
        heldOut = order[..held];
        using (var train = held == 0 ? null : tensor(order[held..]))
        using (var validation = held == 0 ? null : tensor(heldOut))
            Fit(network, generator, all, train, validation, options, checkpoint, channel, layout);
        // Both from the rows trained on only, so that a held-out row scores as a new row does (calibration).
        var trainingRows = order[held..];
        return network.ToModel(TrainingCodes(network, all, trainingRows, options.TrainingCodeCount), layout,
            MinorComponentsFit.Fit(all, trainingRows, layout, options, minorComponentsOnAnyRowCount));
    }

    /// <summary>
    /// Trains on the rows of <paramref name="all"/> listed in <paramref name="train"/> (every row when null), from
    /// the checkpoint if the options say so, until the epoch limit, early stopping or divergence.
    /// </summary>
    private static void Fit(VaeNetwork network, Generator generator, TrainingRows all, Tensor? train, Tensor? validation, VaeTrainingOptions options,
        TrainingCheckpoint? checkpoint, IChannel? channel, VaeInputLayout layout)
    {
        using var optimizer = new AdamOptimizer(network.parameters());
        using var state = new TrainingState(network, optimizer, generator);
        if (options.ResumeFromCheckpoint && checkpoint!.TryResume(state))
            channel?.Info(MessageSensitivity.None, $"VAE training resumes after epoch {state.Epoch} from '{options.CheckpointPath}'.");
        var clock = Stopwatch.StartNew();
        long n = train?.shape[0] ?? all.Values.shape[0];
        double constantPerRow = VaeLoss.ConstantPerRow(options.Likelihood, all.ObservedPerRow);
        int epochs = options.EpochsFor(n);
        long plannedSteps = epochs * ((n + options.BatchSize - 1) / options.BatchSize);
        var schedule = LearningRateSchedule.For(options, layout, plannedSteps);
        // Said once, since an unset rate depends on the data: which one a run got is not otherwise visible.
        channel?.Info(MessageSensitivity.None, $"VAE learning rate: {LearningRateSchedule.Describe(options, layout)} over up to {plannedSteps} steps.");
        while (!state.Finished)
        {
            int epoch = ++state.Epoch;
            double beta = options.KlWarmupEpochs == 0 ? options.Beta : options.Beta * Math.Min(1.0, epoch / (double)options.KlWarmupEpochs);
            var (reconstructionSum, klSum) = RunEpoch(network, optimizer, schedule, generator, all, train, n, beta, options, layout);
            reconstructionSum += n * constantPerRow;
            double trainLoss = (reconstructionSum + beta * klSum) / n;
            // Once an epoch: a diverged step leaves weights that poison every later loss, and only climbs further.
            if (TrainingDivergence.IsDiverged(trainLoss, state.LowestTrainingLoss, all.Values.shape[1]))
            {
                FallBack(state, epoch, epochs, trainLoss, validation is not null, schedule, channel);
                state.Finished = true;
            }
            else
            {
                state.LowestTrainingLoss = Math.Min(state.LowestTrainingLoss, trainLoss);
                double? validationLoss = validation is null ? null : MeanScore(network, all, validation, options.Likelihood, layout);
                var report = new VaeEpochReport(epoch, epochs, trainLoss, reconstructionSum / n, klSum / n, validationLoss, clock.Elapsed);
                channel?.Info(MessageSensitivity.None,
                    $"VAE epoch {epoch}/{epochs}: loss {report.TrainLoss:G5} (reconstruction {report.Reconstruction:G5}, KL {report.KlDivergence:G5})" +
                    (validationLoss is double v ? $", validation {v:G5}" : "") + $", {clock.Elapsed.TotalSeconds:F1}s");
                options.Progress?.Invoke(report);

                // Without held-out rows the training loss picks the weights a diverging run falls back to.
                bool improved = state.Best.Offer(validationLoss ?? trainLoss, epoch);
                state.EpochsWithoutImprovement = improved ? 0 : state.EpochsWithoutImprovement + 1;
                bool stopEarly = validationLoss != null && state.EpochsWithoutImprovement >= options.EarlyStoppingPatience;
                if (stopEarly)
                    channel?.Info(MessageSensitivity.None, $"VAE early stopping at epoch {epoch}; restoring the weights of the best validation loss {state.Best.Loss:G5}.");
                state.Finished = stopEarly || epoch >= epochs;
            }
            if (checkpoint != null && (state.Finished || epoch % options.CheckpointInterval == 0))
                checkpoint.Write(state);
        }
        // Early stopping's choice; without held-out rows a run that ends normally keeps its last weights.
        if (validation is not null)
            state.Best.Restore();
    }

    /// <summary>
    /// Ends a diverged run at the weights of its best epoch, with a warning that says what to change, if that epoch
    /// is past the first tenth of the <paramref name="epochs"/>; throws otherwise. A run that blows up late keeps
    /// what it learned: refusing it would discard most of a long run for a model that was good before its loss
    /// climbed. A run that blows up early has learned little (its best epoch barely improved on the random weights)
    /// and costs little to repeat with a lower learning rate.
    /// </summary>
    private static void FallBack(TrainingState state, int epoch, int epochs, double trainLoss, bool heldOut, LearningRateSchedule schedule, IChannel? channel)
    {
        string what = $"Training diverged in epoch {epoch}: the training loss per row reached {trainLoss:G4}" +
            (double.IsFinite(state.LowestTrainingLoss) ? $", from a lowest of {state.LowestTrainingLoss:G5}" : "");
        string advice = $"Lower LearningRate (now {schedule.Initial}, e.g. to {schedule.Initial / 10:G3}) or standardize the features.";
        int needed = Math.Max(2, (epochs + 9) / 10);
        if (state.Best.Epoch < needed)
            throw new InvalidOperationException(
                $"{what}. Its best weights, of epoch {state.Best.Epoch}, are too early to keep (a diverged run keeps them " +
                $"from epoch {needed}, a tenth of its {epochs}). {advice}");
        // Restored now, so that the checkpoint written as the run ends holds the weights it returns.
        state.Best.Restore();
        channel?.Warning(MessageSensitivity.None,
            $"VAE {char.ToLowerInvariant(what[0])}{what[1..]}. Training stopped and the weights of epoch {state.Best.Epoch} of {epochs} " +
            $"({(heldOut ? "validation" : "training")} loss {state.Best.Loss:G5}) were restored. {advice}");
    }

    /// <summary>
    /// One pass over the training rows in a fresh random order; returns the summed reconstruction terms (without their
    /// constant, <see cref="VaeLoss.ConstantPerRow"/>) and KL terms.
    /// </summary>
    private static (double Reconstruction, double Kl) RunEpoch(VaeNetwork network, AdamOptimizer optimizer, LearningRateSchedule schedule, Generator generator, TrainingRows all,
        Tensor? train, long n, double beta, VaeTrainingOptions options, VaeInputLayout layout)
    {
        network.train();
        // Each batch's two terms are kept (detaching costs no kernel) and summed once the epoch ends: reading a
        // value back, or adding it to a running sum, per batch costs as much as a small layer.
        var terms = new List<Tensor>();
        try
        {
            using var permutation = randperm(n, generator: generator);
            using var order = train is null ? permutation.alias() : train.index_select(0, permutation);
            for (long start = 0; start < n; start += options.BatchSize)
            {
                options.CancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var (x, observed) = all.Select(order.narrow(0, start, Math.Min(options.BatchSize, n - start)));
                var forward = network.Forward(x, observed, noise: generator);
                var reconstruction = VaeLoss.ReconstructionSum(x, forward.Decoded, network.OutputLogVariance, options.Likelihood, observed, layout);
                var kl = VaeLoss.KlDivergenceSum(forward.Mean, forward.LogVariance);
                // Every number handed to libtorch is held until its call returns (KeptScalars).
                using var betaScalar = beta.ToScalar();
                using var batchRows = x.shape[0].ToScalar();
                var loss = beta == 1 ? reconstruction.Plus(kl) : reconstruction.Plus(kl.mul(betaScalar));
                optimizer.ZeroGrad();
                loss.div(batchRows).backward();
                optimizer.Step(schedule.At(optimizer.Steps));
                terms.Add(reconstruction.detach().DetachFromDisposeScope());
                terms.Add(kl.detach().DetachFromDisposeScope());
            }
            using var sumScope = NewDisposeScope();
            var sums = stack(terms).view(-1, 2).sum(0, type: ScalarType.Float64).data<double>().ToArray();
            return (sums[0], sums[1]);
        }
        finally
        {
            foreach (var term in terms)
                term.Dispose();
        }
    }

    /// <summary>The mean negative ELBO at z = μ (the held-out loss) of the rows of <paramref name="all"/> listed in <paramref name="rows"/>.</summary>
    private static double MeanScore(VaeNetwork network, TrainingRows all, Tensor rows, VaeLikelihood likelihood, VaeInputLayout layout)
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
            var (x, observed) = all.Select(rows.narrow(0, start, Math.Min(block, count - start)));
            var forward = network.Forward(x, observed, noise: null);
            var score = VaeLoss.Reconstruction(x, forward.Decoded, network.OutputLogVariance, likelihood, observed, layout)
                .Plus(VaeLoss.KlDivergence(forward.Mean, forward.LogVariance));
            sum += score.sum().item<float>();
        }
        return sum / count;
    }

    /// <summary>
    /// The posteriors of the first <paramref name="count"/> rows of the seeded <paramref name="trainingOrder"/> (the
    /// rows trained on), or of all of them if there are no more. Held-out rows stay out: a row's own code in the
    /// mixture makes its density high, so a held-out row scores like a new row only if its code is not there.
    /// </summary>
    private static LatentCodes TrainingCodes(VaeNetwork network, TrainingRows all, long[] trainingOrder, int count)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        network.eval();
        var (rows, observed) = all.Select(tensor(trainingOrder[..Math.Min(count, trainingOrder.Length)]));
        var forward = network.Forward(rows, observed, noise: null);
        return new LatentCodes((int)forward.Mean.shape[1], forward.Mean.data<float>().ToArray(), forward.LogVariance.data<float>().ToArray());
    }

    /// <summary>
    /// How many of <paramref name="rows"/> rows are held out for early stopping, at the group boundary nearest to the
    /// fraction; 0 to train on every row.
    /// </summary>
    private static int HeldOutCount(int rows, double fraction, RowGroups groups)
    {
        int held = groups.NearestBoundary((int)Math.Floor(rows * fraction));
        // Too few held-out rows make the stopping epoch a coin toss: train on everything instead.
        return held < 8 || rows - held < 8 ? 0 : held;
    }

    /// <summary>
    /// The most floats a model's ONNX graph holds, its weights and kept codes: 500,000,000, 2 GB, about what the graph's
    /// protobuf encoding can hold at all (2 GiB), less room for the rest of the graph.
    /// </summary>
    internal const long MaximumGraphFloats = 500_000_000;

    /// <summary>
    /// Fails before any tensor is allocated unless the network's weights and the codes it keeps fit in its ONNX graph, which
    /// scores and saves it: a larger network failed in libtorch's allocator, or trained and then could be neither scored
    /// nor saved. Names the larger of the two sizes the user chose.
    /// </summary>
    private static void CheckGraphSize(int dimension, VaeTrainingOptions options)
    {
        int latent = options.LatentDimension;
        Int128 floats = VaeNetwork.ParameterCount(dimension, options.HiddenLayers, latent,
                options.Likelihood == VaeLikelihood.Gaussian && options.LearnOutputVariance, options.MissingValues)
            + 2 * (Int128)options.TrainingCodeCount * latent;
        if (floats <= MaximumGraphFloats)
            return;
        string option = latent >= options.HiddenLayers.DefaultIfEmpty(0).Max() ? nameof(options.LatentDimension) : nameof(options.HiddenLayerSizes);
        throw new ArgumentOutOfRangeException(option,
            $"A VAE of {dimension} features, hidden layers [{string.Join(", ", options.HiddenLayers)}] and {latent} latent dimensions holds " +
            $"{floats:N0} weights and kept codes, more than the {MaximumGraphFloats:N0} (2 GB) an ONNX graph, which scores and saves it, holds. " +
            "Choose smaller HiddenLayerSizes or LatentDimension.");
    }

    private static void CheckUnitInterval(float[] data, int dimension, string columnName)
    {
        for (int i = 0; i < data.Length; i++)
            if (data[i] is < 0 or > 1)
                throw new VaeDataException(columnName, i / dimension,
                    $"Row {i / dimension} of column '{columnName}' holds {data[i]} at slot {i % dimension}: the Bernoulli likelihood needs features in [0, 1].", i % dimension);
    }
}
