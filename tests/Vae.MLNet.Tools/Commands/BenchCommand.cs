using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.OnnxRuntime;
using Spectre.Console;
using Spectre.Console.Cli;
using Vae.MLNet.Cli;
using Vae.MLNet.Training;

namespace Vae.MLNet.Tools;

/// <summary>
/// <c>vae-mlnet-tools bench</c>: trains a detector (by default the product's default network) on seeded synthetic
/// rows, then scores them with each contender in turn, round after round, in one process. The last output line is one
/// JSON object with the figures and ratios.
/// </summary>
internal sealed class BenchCommand : Command<BenchCommand.Settings>
{
    private const string Fresh = "ours (fresh)";
    private const string Reloaded = "ours (reloaded with LoadWithBatchedScoring)";
    private const string Bare = "bare ONNX Runtime, 1024-row batches";
    private const string ApplyOnnx = "ML.NET ApplyOnnxModel";
    private const string ReadOnly = "reading the feature column only";
    private const string Pca = "ML.NET RandomizedPca (rank 1)";

    internal sealed class Settings : CommandSettings
    {
        [CommandOption("--rows <N>"), Description("Rows to score (default 1,000,000).")]
        public int Rows { get; init; } = 1_000_000;

        [CommandOption("--features <D>"), Description("Features per row (default 30).")]
        public int Features { get; init; } = 30;

        [CommandOption("--hidden <SIZES>"), Description("Hidden layer sizes (default: the detector's, one layer of 256).")]
        public string? Hidden { get; init; }

        [CommandOption("--latent <K>"), Description("Latent dimension (default: the detector's, 8).")]
        public int? Latent { get; init; }

        /// <summary>The hidden layer sizes to measure: <see cref="Hidden"/>, or the detector's default network.</summary>
        public int[] HiddenLayers => Hidden is string sizes ? TrainingSettings.ParseSizes(sizes) : [VaeTrainingOptions.Defaults.HiddenUnits];

        /// <summary>The latent dimension to measure: <see cref="Latent"/>, or the detector's default.</summary>
        public int LatentDimension => Latent ?? VaeTrainingOptions.Defaults.LatentDimension;

        [CommandOption("--train-rows <N>"), Description("Rows to train on (default 20,000).")]
        public int TrainRows { get; init; } = 20_000;

        [CommandOption("--epochs <N>"), Description("Training epochs (default 3).")]
        public int Epochs { get; init; } = 3;

        [CommandOption("--rounds <N>"), Description("Rounds of alternating contenders; medians are reported (default 3).")]
        public int Rounds { get; init; } = 3;

        [CommandOption("--apply-onnx-rows <N>"), Description("Rows for ApplyOnnxModel, which scores one row per call (default 100,000).")]
        public int ApplyOnnxRows { get; init; } = 100_000;

        [CommandOption("--score <KIND>"), Description("The detector's score (default: the detector's, AggregatePosterior).")]
        public VaeScoreKind? Score { get; init; }

        [CommandOption("--training-codes <N>"), Description("Training codes kept for the AggregatePosterior score (default: the detector's, 1024).")]
        public int? TrainingCodes { get; init; }

        [CommandOption("--seed <N>"), Description("Seed of the data and the training (default 0).")]
        public int Seed { get; init; }

        [CommandOption("--scale <SIZES>"), Description("Instead: the scale study at these row counts, e.g. 10000,100000,1000000,10000000.")]
        public string? Scale { get; init; }

        [CommandOption("--mnist-rows <N>"), Description("Rows of 784 features for the MNIST-shaped network (784-400-20), 0 to skip (default 10,000).")]
        public int MnistRows { get; init; } = 10_000;
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        string folder = Directory.CreateTempSubdirectory("vae-bench-").FullName;
        try
        {
            return Run(settings, folder);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static int Run(Settings settings, string folder)
    {
        if (settings.Scale != null)
            return RunScaleStudy(settings);
        var hidden = settings.HiddenLayers;
        int latent = settings.LatentDimension;
        var ml = new MLContext(seed: settings.Seed);
        var data = SyntheticData.Matrix(settings.Rows, settings.Features, settings.Seed);
        var bench = new ScoringBenchmark(ml, data);
        var trainView = ml.Data.TakeRows(bench.View, Math.Min(settings.TrainRows, settings.Rows));
        AnsiConsole.MarkupLine($"[bold]bench[/]: {settings.Rows:N0} rows × {settings.Features} features, hidden {string.Join(",", hidden)}, latent {latent}, {Environment.ProcessorCount} cores");

        var clock = Stopwatch.StartNew();
        var options = new VaeAnomalyDetectionTrainer.Options
        {
            FeatureColumnName = ScoringBenchmark.Column,
            HiddenLayerSizes = hidden,
            LatentDimension = latent,
            Epochs = settings.Epochs,
            ValidationFraction = 0,
            Seed = settings.Seed,
        };
        if (settings.Score is VaeScoreKind score) options.Score = score;
        if (settings.TrainingCodes is int codes) options.TrainingCodeCount = codes;
        var detector = ml.AnomalyDetection.Trainers.Vae(options).Fit(trainView);
        double trainSeconds = clock.Elapsed.TotalSeconds;

        string onnxPath = Path.Combine(folder, "vae.onnx"), zipPath = Path.Combine(folder, "model.zip");
        // The detector's own export: its score, whichever it is, is what every contender computes.
        detector.ExportOnnx(onnxPath);
        ml.Model.Save(detector, bench.View.Schema, zipPath);
        clock.Restart();
        var reloaded = ml.Model.LoadWithBatchedScoring(zipPath, out _);
        double firstScoreMs = LatencyOfFirstScore(ml, reloaded, bench, clock);
        using var session = new InferenceSession(onnxPath);

        var pca = ml.AnomalyDetection.Trainers.RandomizedPca(ScoringBenchmark.Column, rank: 1, seed: settings.Seed).Fit(trainView);
        var training = CompareTraining(ml, data, hidden, latent,
            Math.Min(settings.TrainRows, settings.Rows), settings.Epochs, settings.Seed);
        var mnist = settings.MnistRows > 0
            ? CompareTraining(ml, SyntheticData.Matrix(settings.MnistRows, 784, settings.Seed), [400], 20, settings.MnistRows, settings.Epochs, settings.Seed)
            : null;
        double peak = TrainingBenchmark.MatMulPeakGflops();

        var contenders = new (string Name, Func<double> RowsPerSecond)[]
        {
            (Fresh, () => bench.ThroughTransformer(detector)),
            (Reloaded, () => bench.ThroughTransformer(reloaded)),
            (Bare, () => bench.BareOnnxRuntime(session)),
            (ApplyOnnx, () => bench.ApplyOnnxModel(onnxPath, Math.Min(settings.ApplyOnnxRows, settings.Rows))),
            (ReadOnly, bench.ReadingFeaturesOnly),
            (Pca, () => bench.ThroughTransformer(pca)),
        };
        var figures = contenders.ToDictionary(c => c.Name, _ => new List<double>());
        // Round 0 warms up: the JIT compiles the per-row paths at full optimization only after their first calls.
        for (int round = 0; round <= settings.Rounds; round++)
            foreach (var (name, run) in contenders)
            {
                double rowsPerSecond = run();
                if (round > 0)
                    figures[name].Add(rowsPerSecond);
            }
        var median = figures.ToDictionary(f => f.Key, f => Median(f.Value));
        // Ratios of the same round, whose contenders ran back to back, then the median: steadier than a ratio of medians.
        double RoundRatio(string ours, string other) => Median(figures[ours].Zip(figures[other], (a, b) => a / b).ToList());
        var (p50, p99) = bench.PredictionEngineLatency(detector, 10_000);

        var table = new Table().AddColumns("scoring", "rows/s (median)", "rounds");
        foreach (var (name, values) in figures)
            table.AddRow(name, $"{median[name]:N0}", string.Join(" ", values.Select(v => v.ToString("N0"))));
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"Training, {settings.Features} features: ours {training.Ours:F3} s/epoch, bare TorchSharp {training.Bare:F3} s/epoch " +
            $"(ratio {training.Ratio:F2}); {training.Gflops:F1} GFLOP/s of a {peak:F1} GFLOP/s matrix-multiply peak");
        if (mnist != null)
            AnsiConsole.MarkupLine($"Training, 784-400-20: ours {mnist.Ours:F3} s/epoch, bare {mnist.Bare:F3} s/epoch (ratio {mnist.Ratio:F2}), {mnist.RowsPerSecond:N0} rows/s, {mnist.Gflops:F1} GFLOP/s");
        AnsiConsole.MarkupLine($"PredictionEngine latency p50 {p50:F1} µs, p99 {p99:F1} µs; first score after loading {firstScoreMs:F1} ms");

        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["rows"] = settings.Rows,
            ["features"] = settings.Features,
            ["hidden"] = hidden,
            ["latent"] = latent,
            ["score"] = detector.Scoring.Kind.ToString(),
            ["training_codes"] = detector.Model.TrainingCodes?.Count ?? 0,
            ["train_rows_per_second"] = Math.Round(training.RowsPerSecond),
            ["train_ratio_vs_bare_torchsharp"] = Math.Round(training.Ratio, 3),
            ["train_gflops"] = Math.Round(training.Gflops, 2),
            ["matmul_peak_gflops"] = Math.Round(peak, 1),
            ["train_fit_seconds"] = Math.Round(trainSeconds, 2),
            ["train_rows_per_second_mnist_shape"] = mnist == null ? 0 : Math.Round(mnist.RowsPerSecond),
            ["train_ratio_vs_bare_torchsharp_mnist_shape"] = mnist == null ? 0 : Math.Round(mnist.Ratio, 3),
            ["score_rows_per_second"] = Math.Round(median[Fresh]),
            ["score_rows_per_second_reloaded"] = Math.Round(median[Reloaded]),
            ["bare_ort_rows_per_second"] = Math.Round(median[Bare]),
            ["apply_onnx_model_rows_per_second"] = Math.Round(median[ApplyOnnx]),
            ["score_speedup_vs_apply_onnx_model"] = Math.Round(RoundRatio(Fresh, ApplyOnnx), 2),
            ["score_speedup_vs_apply_onnx_model_reloaded"] = Math.Round(RoundRatio(Reloaded, ApplyOnnx), 2),
            ["score_ratio_vs_bare_ort"] = Math.Round(RoundRatio(Fresh, Bare), 3),
            ["score_ratio_vs_bare_ort_reloaded"] = Math.Round(RoundRatio(Reloaded, Bare), 3),
            ["read_features_only_rows_per_second"] = Math.Round(median[ReadOnly]),
            ["randomized_pca_rows_per_second"] = Math.Round(median[Pca]),
            ["prediction_engine_p50_us"] = Math.Round(p50, 1),
            ["prediction_engine_p99_us"] = Math.Round(p99, 1),
            ["first_score_after_load_ms"] = Math.Round(firstScoreMs, 1),
        }));
        return 0;
    }

    /// <summary>Milliseconds from the start of <paramref name="clock"/> (just before loading) to the first score read.</summary>
    private static double LatencyOfFirstScore(MLContext ml, ITransformer model, ScoringBenchmark bench, Stopwatch clock)
    {
        ScoreReader.ReadAll(model.Transform(ml.Data.TakeRows(bench.View, 1)), limit: 1);
        return clock.Elapsed.TotalMilliseconds;
    }

    /// <summary>The scale study; the last line is JSON with one entry per size and the spread around the largest size below 10M.</summary>
    private static int RunScaleStudy(Settings settings)
    {
        var sizes = settings.Scale!.Split(',').Select(int.Parse).ToArray();
        var points = ScaleStudy.Run(sizes, settings.Features, settings.HiddenLayers, settings.LatentDimension, settings.Seed);
        var reference = points.FirstOrDefault(p => p.Rows == 1_000_000) ?? points[^1];
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["features"] = settings.Features,
            ["sizes"] = points.Select(p => p.Rows),
            ["train_us_per_row_per_epoch"] = points.Select(p => Math.Round(p.TrainMicrosecondsPerRow, 3)),
            ["score_us_per_row"] = points.Select(p => Math.Round(p.ScoreMicrosecondsPerRow, 4)),
            ["train_relative_to_1m"] = points.Select(p => Math.Round(p.TrainMicrosecondsPerRow / reference.TrainMicrosecondsPerRow, 3)),
            ["score_relative_to_1m"] = points.Select(p => Math.Round(p.ScoreMicrosecondsPerRow / reference.ScoreMicrosecondsPerRow, 3)),
            ["fit_seconds"] = points.Select(p => Math.Round(p.FitSeconds, 1)),
            ["peak_resident_mb"] = points.Select(p => Math.Round(p.PeakResidentMegabytes)),
        }));
        return 0;
    }

    private sealed record TrainingFigures(double Ours, double Bare, double Ratio, double RowsPerSecond, double Gflops);

    /// <summary>
    /// Ours and the bare loop on the first <paramref name="rows"/> rows: one discarded warm-up run of each (the later
    /// runs in a process are faster: JIT tiers, libtorch's thread pool), then six pairs run back to back, alternating
    /// which goes first; the ratio is the median of the pairs' ratios, the times the medians.
    /// </summary>
    private static TrainingFigures CompareTraining(MLContext ml, SyntheticMatrix data, int[] hidden, int latent, int rows, int epochs, int seed)
    {
        var view = ScoringBenchmark.ToDataView(ml, data, rows);
        var features = data.Features.AsSpan(0, rows * data.Dimension).ToArray();
        double Ours() => TrainingBenchmark.OursSecondsPerEpoch(ml, view, ScoringBenchmark.Column, hidden, latent, 128, epochs, seed);
        double Bare() => TrainingBenchmark.BareSecondsPerEpoch(features, rows, data.Dimension, hidden, latent, 128, epochs, seed);
        Ours();
        Bare();
        var pairs = Enumerable.Range(0, 6).Select(i => i % 2 == 0 ? (Ours: Ours(), Bare: Bare()) : Swap(Bare(), Ours())).ToList();
        double ours = Median(pairs.Select(p => p.Ours).ToList()), bare = Median(pairs.Select(p => p.Bare).ToList());
        double rowsPerSecond = rows / ours;
        return new TrainingFigures(ours, bare, Median(pairs.Select(p => p.Ours / p.Bare).ToList()), rowsPerSecond,
            rowsPerSecond * TrainingBenchmark.FlopsPerRow(data.Dimension, hidden, latent) / 1e9);

        static (double Ours, double Bare) Swap(double bare, double ours) => (ours, bare);
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
