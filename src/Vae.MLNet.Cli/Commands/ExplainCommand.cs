using System.ComponentModel;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Vae.MLNet.Cli;

/// <summary>
/// <c>vae-mlnet explain</c>: scores a CSV with a saved detector and, for each row it flags, names the features with
/// the largest reconstruction error −log p(xⱼ|z = μ), plus, when the score has the minor-component term, each feature's
/// share of it (<see cref="MinorComponents.FeatureShares"/>): the features that made the row anomalous. Without that
/// share a row flagged for leaving the directions the normal rows keep to, which the network reconstructs well, would
/// be explained by features that had nothing to do with it. A categorical or Boolean column of a mixed model is one
/// feature, named as its column (a category's error is its −log p).
/// </summary>
internal sealed class ExplainCommand : Command<ExplainCommand.Settings>
{
    private const string FeatureErrors = "FeatureErrors";

    internal sealed class Settings : CommandSettings
    {
        [CommandOption("--model <ZIP>"), Description("A pipeline with the VAE detector, saved by mlContext.Model.Save (e.g. by demo).")]
        public string Model { get; init; } = "";

        [CommandOption("--data <CSV>"), Description("Rows to score, with the columns the model was trained on (found by name, in any order; others are not read).")]
        public string Data { get; init; } = "";

        // Null unless given: a saved pipeline may read a column named like the default, but one given by name must not be a feature.
        [CommandOption("--label <NAME>"), Description("Label column, never a feature: not read, and not named in a note (default Label).")]
        public string? Label { get; init; }

        [CommandOption("--top <N>"), Description("Features to name per flagged row (default 3); a categorical column is one feature, named as its column.")]
        public int Top { get; init; } = 3;

        public override ValidationResult Validate() =>
            Model.Length == 0 || Data.Length == 0 ? ValidationResult.Error("--model and --data are required.")
            : Top < 1 ? ValidationResult.Error($"--top {Top}: name at least 1 feature.")
            : Label?.Trim().Length == 0 ? ValidationResult.Error($"--label '{Label}' names an empty column: give the label column's name.")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var ml = new MLContext(seed: 0);
        var pipeline = SavedPipeline.Load(ml, settings.Model);
        // The detector the pipeline scores with: its own features, which may be the codes of a featurizer before it.
        if (pipeline.DetectorIndex < 0)
            throw new CliException($"{settings.Model}: the pipeline's VAE is a featurizer, with no anomaly detector: explain names the features behind the rows a detector flags.");
        var detector = (VaeAnomalyDetectionTransformer)pipeline.Steps[pipeline.DetectorIndex];
        var names = pipeline.FeatureNames(pipeline.DetectorIndex);
        if (pipeline.FeaturizerBefore(pipeline.DetectorIndex) is int featurizer)
            CsvDataset.Note(settings.Model, $"the detector reads '{detector.InputColumnName}', the latent codes of the featurizer at step {featurizer + 1}: " +
                $"the features it names are their coordinates, {names[0]} to {names[detector.Model.InputLayout.Columns[0].Slots - 1]}, not the file's columns.");
        var columns = pipeline.InputColumns();
        if (settings.Label is string labelName && columns.Any(column => column.Headers.Contains(labelName)))
            throw new CliException($"--label {labelName}: is a feature the model reads (its columns: {string.Join(", ", columns.SelectMany(column => column.Headers))}), " +
                "never a label; name the label column, or leave --label out.");
        var data = CsvDataset.Load(ml, settings.Data, settings.Label ?? CsvDataset.LabelColumn, requireLabel: false, columns, missingCells: pipeline.ReadsMissingCells);

        // The same detector, asked for its per-feature errors as well.
        var steps = (ITransformer[])pipeline.Steps.Clone();
        steps[pipeline.DetectorIndex] = new VaeAnomalyDetectionTransformer(detector.Model, detector.InputColumnName, detector.Threshold,
            detector.Calibration, detector.Scoring, FeatureErrors, detector.HasPValueColumn);
        var scored = new TransformerChain<ITransformer>(steps).Transform(data.Data);

        var flagged = new List<Dictionary<string, object>>();
        // The minor-component term is part of the AggregatePosterior score only.
        var minor = detector.Scoring.Kind == VaeScoreKind.AggregatePosterior && detector.Scoring.MinorComponentWeight > 0 ? detector.Model.MinorComponents : null;
        string unit = minor is null ? "error in nats" : "nats: reconstruction error + share of the minor-component term";
        var table = new Table().AddColumns("row", "score", $"top {settings.Top} features ({unit})");
        var read = scored.Schema.Where(c => c.Name is "Score" or "PredictedLabel" or FeatureErrors || (minor is not null && c.Name == detector.InputColumnName));
        try
        {
            NameTheFeaturesOfFlaggedRows();
        }
        catch (Exception error) when (CsvDataset.DataError(error) is { } bad)
        {
            throw data.Explain(bad);
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"{flagged.Count} rows flagged above the threshold {detector.Threshold:F2}.");
        Console.WriteLine(JsonSerializer.Serialize(new { flagged = flagged.Count, rows = flagged }));
        return 0;

        void NameTheFeaturesOfFlaggedRows()
        {
            using var cursor = scored.GetRowCursor(read);
            var score = cursor.GetGetter<float>(scored.Schema["Score"]);
            var label = cursor.GetGetter<bool>(scored.Schema["PredictedLabel"]);
            var errors = cursor.GetGetter<VBuffer<float>>(scored.Schema[FeatureErrors]);
            var input = minor is null ? null : cursor.GetGetter<VBuffer<float>>(scored.Schema[detector.InputColumnName]);
            float s = 0;
            bool anomalous = false;
            var e = default(VBuffer<float>);
            var x = default(VBuffer<float>);
            for (long row = 1; cursor.MoveNext(); row++)
            {
                label(ref anomalous);
                if (!anomalous)
                    continue;
                score(ref s);
                errors(ref e);
                var nats = e.DenseValues().Select(error => (double)error).ToArray();
                if (input is not null)
                {
                    input(ref x);
                    var shares = minor!.FeatureShares(x.DenseValues().ToArray(), detector.Scoring.MinorComponentWeight);
                    for (int j = 0; j < nats.Length; j++)
                        nats[j] += shares[j];
                }
                // A missing cell (NaN error) did not make the row anomalous: it is never named, even when --top asks
                // for more features than the row has observed.
                var top = nats.Select((n, j) => (Name: names[j], Nats: n)).Where(t => !double.IsNaN(t.Nats))
                    .OrderByDescending(t => t.Nats).Take(settings.Top).ToArray();
                // Escaped: the table reads its cells as markup, in which a name like "dose[mg]" would be a style.
                table.AddRow(row.ToString(), $"{s:F2}", Markup.Escape(string.Join(", ", top.Select(t => $"{t.Name} ({t.Nats:F1})"))));
                flagged.Add(new() { ["row"] = row, ["score"] = s, ["top_features"] = top.Select(t => t.Name).ToArray() });
            }
        }
    }
}
