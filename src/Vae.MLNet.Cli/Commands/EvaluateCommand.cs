using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Vae.MLNet.Cli;

/// <summary>
/// <c>vae-mlnet evaluate</c>: trains the detector on every row of a training CSV and scores a labelled test CSV;
/// the last output line is one JSON object with the figures.
/// </summary>
internal sealed class EvaluateCommand : Command<EvaluateCommand.Settings>
{
    internal sealed class Settings : TrainingSettings
    {
        [CommandOption("--train <FILE>"), Description("Training CSV with a header; its label, if any, is not used.")]
        public string Train { get; init; } = "";

        [CommandOption("--test <FILE>"), Description("Test CSV with the training file's feature columns (found by name, in any order) and a label (1 = anomaly).")]
        public string Test { get; init; } = "";

        [CommandOption("--label <NAME>"), Description("Label column name (default Label).")]
        public string Label { get; init; } = CsvDataset.LabelColumn;

        [CommandOption("--categorical <COLUMNS>"), Description("Columns of categories (comma-separated names), read as text and mapped to keys fitted on the training file; " +
            "the model gives each a softmax over its categories (at most 1,000). An empty cell, or a category the training file lacks, is an error, or a missing cell with --missing-values Model.")]
        public string? Categorical { get; init; }

        [CommandOption("--boolean <COLUMNS>"), Description("Columns of true/false flags (comma-separated names), modelled as Bernoulli; a cell is one of " + BooleanCell.Described + ". " +
            "Other columns but the label and those of --ignore are numbers, z-scored.")]
        public string? Boolean { get; init; }

        [CommandOption("--ignore <COLUMNS>"), Description("Columns not to read (comma-separated names), such as a row number or an identifier: as a feature, " +
            "a number that grows with each row makes new rows look anomalous.")]
        public string? Ignore { get; init; }

        [CommandOption("--save-model <ZIP>"), Description("Save the trained pipeline (z-scoring, key mapping and detector) to this zip; score and explain read the same CSV columns.")]
        public string? SaveModel { get; init; }

        public override ValidationResult Validate() =>
            Train.Length == 0 || Test.Length == 0 ? ValidationResult.Error("--train and --test are required.")
            : (ColumnNameList.EmptyNameError("--categorical", Categorical) ?? ColumnNameList.EmptyNameError("--boolean", Boolean)
                ?? ColumnNameList.EmptyNameError("--ignore", Ignore)) is string blank ? ValidationResult.Error(blank)
            : ColumnNameList.Parse(Categorical).Intersect(ColumnNameList.Parse(Boolean)).FirstOrDefault() is string both ? ValidationResult.Error($"--categorical and --boolean both name column '{both}'; give it one kind.")
            : DeclaredColumns.Keys.Intersect(IgnoredColumns).FirstOrDefault() is string read ? ValidationResult.Error($"{DeclaredColumns[read].Option} and --ignore both name column '{read}'; read it or not.")
            : base.Validate();

        /// <summary>The columns declared categorical or Boolean, each with its kind and the option that named it.</summary>
        public IReadOnlyDictionary<string, (VaeInputKind Kind, string Option)> DeclaredColumns =>
            ColumnNameList.Parse(Categorical).Select(name => (name, (VaeInputKind.Categorical, "--categorical")))
                .Concat(ColumnNameList.Parse(Boolean).Select(name => (name, (VaeInputKind.Binary, "--boolean"))))
                .ToDictionary(declared => declared.name, declared => declared.Item2);

        /// <summary>The columns left out with --ignore.</summary>
        public string[] IgnoredColumns => ColumnNameList.Parse(Ignore);
    }

    /// <summary>The false-alarm rates whose figures every evaluation reports beside the one it was asked for.</summary>
    private static readonly double[] CalibrationLevels = [0.01, 0.05, 0.1];

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.SaveModel != null)
            OutputLocation.CheckFile(settings.SaveModel, "--save-model", ("--train", settings.Train), ("--test", settings.Test));
        if (settings.Checkpoint != null)
            OutputLocation.CheckFile(settings.Checkpoint, "--checkpoint", ("--train", settings.Train), ("--test", settings.Test), ("--save-model", settings.SaveModel));
        var ml = new MLContext(seed: settings.Seed);
        // The epochs this process trained the model for (not its calibration models): a resumed run starts after its checkpoint's epoch.
        (int First, int Last)? epochs = null;
        var (train, result) = CliProgress.Run(progress =>
        {
            var train = CsvDataset.Load(ml, settings.Train, settings.Label, requireLabel: false, progress: progress, missingCells: settings.MissingCells, declared: settings.DeclaredColumns,
                ignored: settings.IgnoredColumns);
            var test = CsvDataset.Load(ml, settings.Test, settings.Label, requireLabel: true, train.Columns, progress, settings.MissingCells);
            // What the trainer logs to mlContext.Log, where the CLI shows nothing.
            long sample = settings.ToOptions(cancellationToken).MaxTrainingRowsFor(train.FeatureNames.Length);
            if (train.RowCount > sample)
                CsvDataset.Note(settings.Train, $"{train.RowCount:N0} rows, more than training holds ({sample:N0}, --max-training-rows): training on a uniform random sample of {sample:N0} rows, seeded by --seed.");
            return (train, DetectorEvaluation.Run(ml, "VAE", train, test, onEpoch =>
            {
                var options = settings.ToOptions(cancellationToken, report =>
                {
                    if (report.CalibrationFold == 0)
                        epochs = (epochs?.First ?? report.Epoch, report.Epoch);
                    onEpoch(report);
                });
                (options.FeatureColumnName, options.AdditionalFeatureColumnNames) = (train.ModelColumnNames[0], train.ModelColumnNames[1..]);
                return ml.AnomalyDetection.Trainers.Vae(options);
            }, progress));
        });

        AnsiConsole.MarkupLine($"[bold]VAE[/] on {Markup.Escape(settings.Test)}: AUROC {result.Auc:F4}, detection rate at 10 FP {result.DetectionRateAt10FalsePositives:F4}");
        var detector = (VaeAnomalyDetectionTransformer)((TransformerChain<ITransformer>)result.Model).LastTransformer;
        double contamination = settings.ToOptions(cancellationToken).Contamination;
        AnsiConsole.MarkupLine($"At the threshold ({contamination:P1} promised false alarms): {result.AtThreshold.FalsePositiveRate:P1} of the normal test rows flagged, " +
            $"{result.AtThreshold.Recall:P1} of the anomalies");
        var figures = new Dictionary<string, object?>
        {
            ["auc"] = Math.Round(result.Auc, 6),
            ["detection_rate_at_10fp"] = Math.Round(result.DetectionRateAt10FalsePositives, 6),
            ["train_seconds"] = Math.Round(result.TrainSeconds, 3),
            ["first_epoch"] = epochs?.First ?? 0,
            ["last_epoch"] = epochs?.Last ?? 0,
            ["score_rows_per_second"] = Math.Round(result.ScoreRowsPerSecond),
            ["test_rows"] = result.TestRows,
            ["features"] = train.FeatureNames.Length,
            ["seed"] = settings.Seed,
            ["contamination"] = contamination,
        };
        foreach (var (key, value) in result.AtThreshold.ToJson())
            figures[key] = value;
        // The same model at the usual levels, thresholds changed without retraining: the calibration table's figures.
        // One distinct training row leaves no row to calibrate on: the trainer then flags none, at any level.
        if (detector.Calibration is null)
            CsvDataset.Note(settings.Train, "one distinct training row leaves none to calibrate a threshold on: no row is flagged, and no other false-alarm rate has a threshold. Train on more rows.");
        else
            foreach (double level in CalibrationLevels)
                foreach (var (key, value) in ThresholdFigures.At(detector.WithContamination(level).Threshold, result.Test.Scores, result.Test.Anomalies).ToJson("c" + level.ToString("0.##", CultureInfo.InvariantCulture) + "_"))
                    figures[key] = value;
        Console.WriteLine(JsonSerializer.Serialize(figures));
        // After the results are out: a failed save loses neither them nor the file already there.
        if (settings.SaveModel != null)
        {
            OutputLocation.Write(settings.SaveModel, file => ml.Model.Save(result.Model, train.Data.Schema, file));
            Console.Error.WriteLine($"Saved the pipeline to {settings.SaveModel}.");
        }
        return 0;
    }
}
