using System.ComponentModel;
using System.Globalization;
using Microsoft.ML;
using Spectre.Console;
using Spectre.Console.Cli;
using Vae.MLNet.Training;

namespace Vae.MLNet.Cli;

/// <summary>The detector's training options as command-line flags; unset flags keep the library's defaults.</summary>
internal class TrainingSettings : CommandSettings
{
    [CommandOption("--seed <N>"), Description("Training seed (default 0).")]
    public int Seed { get; init; }

    [CommandOption("--epochs <N>"), Description("Maximum training epochs (default: 100, or enough for 2,000 mini-batch steps, or as many as fit in 50,000 steps but at least 1).")]
    public int? Epochs { get; init; }

    [CommandOption("--max-training-rows <N>"), Description("Train on a uniform random sample of N rows (seeded) when the file has more (default: 1,000,000, fewer if they exceed 1 GiB).")]
    public long? MaxTrainingRows { get; init; }

    [CommandOption("--latent <K>"), Description("Latent dimension.")]
    public int? Latent { get; init; }

    [CommandOption("--hidden <SIZES>"), Description("Hidden layer sizes, comma-separated, e.g. 64,32.")]
    public string? Hidden { get; init; }

    [CommandOption("--batch-size <N>"), Description("Mini-batch size.")]
    public int? BatchSize { get; init; }

    [CommandOption("--learning-rate <LR>"), Description("Adam learning rate, held throughout when given. Default: a cosine decay from 3e-3 to 1e-4 for at most 10 features, all real, Gaussian, missing values refused; 1e-3 otherwise.")]
    public double? LearningRate { get; init; }

    [CommandOption("--beta <B>"), Description("Weight of the KL term in the training loss.")]
    public double? Beta { get; init; }

    [CommandOption("--kl-warmup <EPOCHS>"), Description("Epochs of linear KL warm-up.")]
    public int? KlWarmup { get; init; }

    [CommandOption("--validation-fraction <F>"), Description("Held-out fraction for early stopping (0 = off).")]
    public double? ValidationFraction { get; init; }

    [CommandOption("--patience <N>"), Description("Early-stopping patience in epochs.")]
    public int? Patience { get; init; }

    [CommandOption("--activation <NAME>"), Description("Relu, Tanh, Elu, LeakyRelu or Silu.")]
    public VaeActivation? Activation { get; init; }

    [CommandOption("--likelihood <NAME>"), Description("Gaussian or Bernoulli.")]
    public VaeLikelihood? Likelihood { get; init; }

    [CommandOption("--fixed-variance"), Description("Fix the Gaussian likelihood's variance at 1 instead of learning it per feature.")]
    public bool FixedVariance { get; init; }

    [CommandOption("--contamination <F>"), Description("False-alarm rate the calibrated threshold promises on new normal rows (default 0.1).")]
    public double? Contamination { get; init; }

    [CommandOption("--missing-values <MODE>"), Description("Error (default): an empty or NaN feature cell stops the run. Model: it is a missing cell, which the model leaves out of its likelihood and score.")]
    public VaeMissingValues? MissingValues { get; init; }

    /// <summary>Whether an empty or NaN feature cell is a missing cell rather than an error.</summary>
    public bool MissingCells => MissingValues == VaeMissingValues.Model;

    [CommandOption("--threads <N>"), Description("TorchSharp threads (0 = all cores).")]
    public int? Threads { get; init; }

    [CommandOption("--score <KIND>"), Description("AggregatePosterior (default), NegativeElbo, Reconstruction, KlDivergence, MonteCarloElbo or ImportanceWeighted.")]
    public VaeScoreKind? Score { get; init; }

    [CommandOption("--score-samples <N>"), Description("Draws per row for MonteCarloElbo and ImportanceWeighted (default 10).")]
    public int? ScoreSamples { get; init; }

    [CommandOption("--latent-density-weight <W>"), Description("Weight of the code's rarity in the AggregatePosterior score (default 2 up to --training-codes rows, then 2 × codes / rows).")]
    public double? LatentDensityWeight { get; init; }

    [CommandOption("--training-codes <N>"), Description("Training codes kept for the AggregatePosterior score (default 1024).")]
    public int? TrainingCodes { get; init; }

    [CommandOption("--checkpoint <FILE>"), Description("Write the training state to this file every --checkpoint-every epochs.")]
    public string? Checkpoint { get; init; }

    [CommandOption("--checkpoint-every <N>"), Description("Epochs between checkpoints (default 5).")]
    public int? CheckpointEvery { get; init; }

    [CommandOption("--resume"), Description("Continue the run saved in --checkpoint, if the file exists.")]
    public bool Resume { get; init; }

    public override ValidationResult Validate()
    {
        if ((Resume || CheckpointEvery != null) && Checkpoint is null)
            return ValidationResult.Error("--resume and --checkpoint-every need --checkpoint <FILE>.");
        // Before the trainer's checks, which refuse a blank CheckpointPath too, but by the library's name for it.
        if (Checkpoint != null && OutputLocation.BlankPathError(Checkpoint, "--checkpoint") is string blank)
            return ValidationResult.Error(blank);
        // The trainer's own checks, before any file is read: a value out of range (--contamination 2) fails at once,
        // not after a large file has been parsed.
        try
        {
            new MLContext().AnomalyDetection.Trainers.Vae(ToOptions(CancellationToken.None));
            return ValidationResult.Success();
        }
        catch (ArgumentException error)
        {
            return ValidationResult.Error($"A training option is out of range: {error.Message.ReplaceLineEndings(" ")}");
        }
    }

    /// <summary>The detector options these flags describe; <paramref name="cancellation"/> stops training (Ctrl+C).</summary>
    public VaeAnomalyDetectionTrainer.Options ToOptions(CancellationToken cancellation, Action<VaeEpochReport>? progress = null)
    {
        var options = new VaeAnomalyDetectionTrainer.Options
        {
            FeatureColumnName = CsvDataset.FeaturesColumn,
            Seed = Seed,
            Progress = progress,
            CancellationToken = cancellation,
            CheckpointPath = Checkpoint,
            ResumeFromCheckpoint = Resume,
        };
        if (CheckpointEvery is int interval) options.CheckpointInterval = interval;
        if (Epochs is int epochs) options.Epochs = epochs;
        if (MaxTrainingRows is long maxRows) options.MaxTrainingRows = maxRows;
        if (Latent is int latent) options.LatentDimension = latent;
        if (Hidden is string hidden) options.HiddenLayerSizes = ParseSizes(hidden);
        if (BatchSize is int batchSize) options.BatchSize = batchSize;
        if (LearningRate is double learningRate) options.LearningRate = learningRate;
        if (Beta is double beta) options.Beta = beta;
        if (KlWarmup is int warmup) options.KlWarmupEpochs = warmup;
        if (ValidationFraction is double fraction) options.ValidationFraction = fraction;
        if (Patience is int patience) options.EarlyStoppingPatience = patience;
        if (Activation is VaeActivation activation) options.Activation = activation;
        if (Likelihood is VaeLikelihood likelihood) options.Likelihood = likelihood;
        if (FixedVariance) options.LearnOutputVariance = false;
        if (Contamination is double contamination) options.Contamination = contamination;
        if (Threads is int threads) options.Threads = threads;
        if (MissingValues is VaeMissingValues missingValues) options.MissingValues = missingValues;
        if (Score is VaeScoreKind score) options.Score = score;
        if (ScoreSamples is int samples) options.ScoreSamples = samples;
        if (LatentDensityWeight is double weight) options.LatentDensityWeight = weight;
        if (TrainingCodes is int codes) options.TrainingCodeCount = codes;
        return options;
    }

    /// <summary>Hidden layer sizes from "64,32"; a clear error for anything else.</summary>
    internal static int[] ParseSizes(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int size) && size > 0
                ? size
                : throw new CliException($"--hidden: '{part}' is not a positive layer size."))
            .ToArray();
}
