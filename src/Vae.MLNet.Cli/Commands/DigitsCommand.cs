using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Spectre.Console;
using Spectre.Console.Cli;
using Vae.MLNet.Training;

namespace Vae.MLNet.Cli;

/// <summary>
/// <c>vae-mlnet digits</c>: a Bernoulli VAE on the embedded 8×8 digits (pixels scaled to [0, 1]). Reports the held-out
/// ELBO and the importance-weighted estimate of log p(x) in nats, and draws generated digits, an interpolation and a
/// latent traversal as PNG files.
/// </summary>
internal sealed class DigitsCommand : Command<DigitsCommand.Settings>
{
    internal sealed class Settings : CommandSettings
    {
        [CommandOption("--output <DIR>"), Description("Folder for the PNG files (default vae-digits-output).")]
        public string Output { get; init; } = "vae-digits-output";

        [CommandOption("--epochs <N>"), Description("Maximum training epochs (default 300).")]
        public int Epochs { get; init; } = 300;

        [CommandOption("--latent <K>"), Description("Latent dimension (default 4).")]
        public int Latent { get; init; } = 4;

        [CommandOption("--seed <N>"), Description("Seed of the split, the training and the draws (default 0).")]
        public int Seed { get; init; }

        // Checked before the output folder is made: the trainer's own check came after it, naming its option.
        public override ValidationResult Validate() =>
            Epochs < 1 ? ValidationResult.Error($"--epochs {Epochs}: train at least 1 epoch.")
            : Latent < 1 ? ValidationResult.Error($"--latent {Latent}: the latent space needs at least 1 dimension.")
            : ValidationResult.Success();
    }

    private const int Side = 8;

    // What the command writes in its folder, checked before it trains.
    private const string GeneratedFile = "digits-generated.png", InterpolationFile = "digits-interpolation.png", TraversalFile = "digits-traversal.png";

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        OutputLocation.PrepareFolder(settings.Output, "--output", GeneratedFile, InterpolationFile, TraversalFile);
        var ml = new MLContext(seed: settings.Seed);
        var images = ReadDigits(ml, EmbeddedData.Extract("digits8x8.csv", settings.Output, "--output"));
        new Random(settings.Seed).Shuffle(images);
        int testCount = images.Length / 5;
        var test = ToDataView(ml, images[..testCount]);
        var train = ToDataView(ml, images[testCount..]);

        var clock = Stopwatch.StartNew();
        var detector = ml.AnomalyDetection.Trainers.Vae(new VaeAnomalyDetectionTrainer.Options
        {
            Likelihood = VaeLikelihood.Bernoulli,
            LatentDimension = settings.Latent,
            HiddenLayerSizes = [128],
            Epochs = settings.Epochs,
            EarlyStoppingPatience = 20,
            Seed = settings.Seed,
        }).Fit(train);
        double trainSeconds = clock.Elapsed.TotalSeconds;

        // Mean scores over the held-out images: −ELBO (Monte Carlo, 100 draws) and −log p̂(x) (IWAE, K = 100).
        double MeanScore(VaeScoreKind kind) => new VaeAnomalyDetectionTransformer(detector.Model, "Features", detector.Threshold,
            scoring: new VaeScoring(kind, 100, settings.Seed)).Transform(test).GetColumn<float>("Score").Average(s => (double)s);
        double elbo = -MeanScore(VaeScoreKind.MonteCarloElbo), iwae = -MeanScore(VaeScoreKind.ImportanceWeighted);

        var model = detector.Model;
        GrayscaleGridPng.Save(Path.Combine(settings.Output, GeneratedFile), model.Sample(100, settings.Seed), Side, columns: 10);
        var steps = Enumerable.Range(0, 10);
        var interpolations = images.Take(4).Chunk(2)
            .SelectMany(pair => model.Interpolate(pair[0], pair[1], 10, spherical: true).Decoded).ToArray();
        GrayscaleGridPng.Save(Path.Combine(settings.Output, InterpolationFile), interpolations, Side, columns: 10);
        var traversals = Enumerable.Range(0, model.LatentDimension)
            .SelectMany(axis => model.Traverse(images[0], axis, steps.Select(i => -2.5f + 5f * i / 9).ToArray()).Decoded).ToArray();
        GrayscaleGridPng.Save(Path.Combine(settings.Output, TraversalFile), traversals, Side, columns: 10);

        AnsiConsole.MarkupLine($"Bernoulli VAE on {images.Length - testCount} digits ({trainSeconds:F1} s); on {testCount} held-out digits: " +
            $"ELBO {elbo:F2} nats, IWAE (K = 100) log p(x) ≥ {iwae:F2} nats.");
        AnsiConsole.MarkupLine($"Wrote {GeneratedFile}, {InterpolationFile}, {TraversalFile} to [bold]{Markup.Escape(settings.Output)}[/].");
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["test_elbo_nats"] = Math.Round(elbo, 3),
            ["test_iwae_k100_nats"] = Math.Round(iwae, 3),
            ["train_seconds"] = Math.Round(trainSeconds, 2),
            ["train_images"] = images.Length - testCount,
            ["test_images"] = testCount,
        }));
        return 0;
    }

    /// <summary>The 64 pixels of every digit, scaled from 0–16 to [0, 1].</summary>
    private static float[][] ReadDigits(MLContext ml, string path)
    {
        var data = CsvDataset.Load(ml, path, "Digit", requireLabel: false);
        return data.FeatureVector(ml).Fit(data.Data).Transform(data.Data).GetColumn<float[]>(CsvDataset.FeaturesColumn).Select(pixels => pixels.Select(p => p / 16f).ToArray()).ToArray();
    }

    private static IDataView ToDataView(MLContext ml, float[][] images) => VectorColumnView.Create(ml, "Features", Side * Side, images);
}
