using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Spectre.Console;
using Spectre.Console.Cli;
using Vae.MLNet.Training;

namespace Vae.MLNet.Cli;

/// <summary>
/// <c>vae-mlnet demo</c>: the anomaly detector on the embedded cardiotocography split (train on normal rows, score a
/// labelled half), beside ML.NET's RandomizedPca on the same split; writes scores and metrics to a folder.
/// </summary>
internal sealed class DemoCommand : Command<DemoCommand.Settings>
{
    internal sealed class Settings : TrainingSettings
    {
        [CommandOption("--output <DIR>"), Description("Folder for the demo's outputs (default vae-demo-output).")]
        public string Output { get; init; } = "vae-demo-output";
    }

    // What the demo writes in its folder, checked before it trains.
    private const string ScoresFile = "vae-scores.csv", ModelFile = "model.zip", MetricsFile = "metrics.json";

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        OutputLocation.PrepareFolder(settings.Output, "--output", ScoresFile, ModelFile, MetricsFile);
        var ml = new MLContext(seed: settings.Seed);
        var (train, vae, pca) = CliProgress.Run(progress =>
        {
            var train = CsvDataset.Load(ml, EmbeddedData.Extract("cardio-train.csv", settings.Output, "--output"), CsvDataset.LabelColumn, requireLabel: false, progress: progress);
            var test = CsvDataset.Load(ml, EmbeddedData.Extract("cardio-test.csv", settings.Output, "--output"), CsvDataset.LabelColumn, requireLabel: true, train.Columns, progress);
            var vae = DetectorEvaluation.Run(ml, "VAE (Vae.MLNet)", train, test, onEpoch => ml.AnomalyDetection.Trainers.Vae(settings.ToOptions(cancellationToken, onEpoch)), progress);
            // RandomizedPca at rank 1 on z-scored features: its best setting on these datasets. Seeded like the VAE, so
            // that its figure does not depend on what drew from the MLContext's generator before it.
            var pca = DetectorEvaluation.Run(ml, "RandomizedPca (ML.NET)", train, test, _ => ml.AnomalyDetection.Trainers.RandomizedPca(rank: 1, seed: settings.Seed), progress);
            return (train, vae, pca);
        });
        AnsiConsole.MarkupLine($"[bold]Cardiotocography[/] (UCI, ADBench): {train.FeatureNames.Length} features; training on normal rows only, testing on a labelled half.");

        // What a user acts on beside the ranking: the share of normal test rows each detector's own label flags.
        var table = new Table().AddColumns("detector", "AUROC", "detection rate at 10 FP", "normal rows flagged", "anomalies flagged", "train s", "score rows/s");
        foreach (var r in new[] { vae, pca })
            table.AddRow(r.Detector, $"{r.Auc:F4}", $"{r.DetectionRateAt10FalsePositives:F4}", $"{r.AtThreshold.FalsePositiveRate:P1}",
                $"{r.AtThreshold.Recall:P1}", $"{r.TrainSeconds:F2}", $"{r.ScoreRowsPerSecond:N0}");
        AnsiConsole.Write(table);

        AnsiConsole.MarkupLine($"The VAE's threshold promises at most {settings.ToOptions(cancellationToken).Contamination:P0} of new normal rows flagged.");
        OutputLocation.Write(Path.Combine(settings.Output, ScoresFile), file => WriteScores(vae.Test, file));
        // The whole pipeline (z-scoring and detector): mlContext.Model.Load or LoadWithBatchedScoring reads it back.
        OutputLocation.Write(Path.Combine(settings.Output, ModelFile), file => ml.Model.Save(vae.Model, train.Data.Schema, file));
        var metrics = new[] { vae, pca }.Select(r => new
        {
            detector = r.Detector,
            auc = r.Auc,
            detection_rate_at_10fp = r.DetectionRateAt10FalsePositives,
            false_positive_rate = r.AtThreshold.FalsePositiveRate,
            recall_at_threshold = r.AtThreshold.Recall,
            precision_at_threshold = r.AtThreshold.Precision,
            train_seconds = r.TrainSeconds,
            score_rows_per_second = r.ScoreRowsPerSecond,
        });
        OutputLocation.Write(Path.Combine(settings.Output, MetricsFile), file => JsonSerializer.Serialize(file, metrics, new JsonSerializerOptions { WriteIndented = true }));
        AnsiConsole.MarkupLine($"Wrote [bold]{Markup.Escape(settings.Output)}/[/]: {ScoresFile}, {MetricsFile}, {ModelFile}.");
        Console.WriteLine(JsonSerializer.Serialize(new { auc = vae.Auc, pca_auc = pca.Auc, detection_rate_at_10fp = vae.DetectionRateAt10FalsePositives }));
        return 0;
    }

    private static void WriteScores(TestScores scores, Stream file)
    {
        using var writer = new StreamWriter(file, leaveOpen: true);
        writer.WriteLine("row,label,score,predicted_anomaly");
        // Each row by its data row in cardio-test.csv, counted from 1 after the header, as explain and every error
        // message count: numbered from 0, explain's row 4 was this file's row 3.
        for (int i = 0; i < scores.Scores.Length; i++)
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{i + 1},{(scores.Anomalies[i] ? 1 : 0)},{scores.Scores[i]},{(scores.Flags[i] ? 1 : 0)}"));
    }
}
