using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Spectre.Console;
using Spectre.Console.Cli;
using Vae.MLNet.Training;

namespace Vae.MLNet.Tools;

/// <summary>
/// <c>vae-mlnet-tools csv-pass</c>: scoring passes over a large CSV read by ML.NET's TextLoader. The detector (the
/// default network, trained on the file's first rows) scores every row while each pass reads the Label column beside
/// the Score; reports each pass's seconds and the rows the TextLoader was asked for. The last line is JSON.
/// </summary>
internal sealed class CsvPassCommand : Command<CsvPassCommand.Settings>
{
    internal sealed class Settings : CommandSettings
    {
        [CommandOption("--rows <N>"), Description("Rows of the CSV (default 1,000,000).")]
        public int Rows { get; init; } = 1_000_000;

        [CommandOption("--features <D>"), Description("Features per row (default 30).")]
        public int Features { get; init; } = 30;

        [CommandOption("--passes <N>"), Description("Scoring passes (default 3).")]
        public int Passes { get; init; } = 3;

        [CommandOption("--train-rows <N>"), Description("Rows to train on, the file's first (default 20,000).")]
        public int TrainRows { get; init; } = 20_000;
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        // Written once (seeded, about 280 MB for the defaults) and reused by later runs.
        string path = Path.Combine(Path.GetTempPath(), $"vae-csv-pass-{settings.Rows}x{settings.Features}.csv");
        if (!File.Exists(path))
            WriteCsv(path, settings.Rows, settings.Features);

        var ml = new MLContext(seed: 0);
        var file = ml.Data.CreateTextLoader(
            [new TextLoader.Column("Features", DataKind.Single, 0, settings.Features - 1), new TextLoader.Column("Label", DataKind.Single, settings.Features)],
            separatorChar: ',', hasHeader: true).Load(path);
        var detector = ml.AnomalyDetection.Trainers.Vae(new VaeAnomalyDetectionTrainer.Options { Epochs = 3, Seed = 0 })
            .Fit(ml.Data.TakeRows(file, settings.TrainRows));

        var seconds = new List<double>();
        var rowsRead = new List<long>();
        for (int pass = 1; pass <= settings.Passes; pass++)
        {
            var source = new CountingDataView(file);
            var clock = Stopwatch.StartNew();
            long scored = ReadLabelAndScore(detector.Transform(source));
            seconds.Add(clock.Elapsed.TotalSeconds);
            rowsRead.Add(source.RowsRead);
            AnsiConsole.MarkupLine($"pass {pass}: {scored:N0} rows scored in {seconds[^1]:F2} s; rows read from the TextLoader {source.RowsRead:N0}");
        }
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["rows"] = settings.Rows,
            ["features"] = settings.Features,
            ["pass_seconds"] = seconds.Select(s => Math.Round(s, 2)),
            ["rows_read_per_pass"] = rowsRead,
        }));
        return 0;
    }

    private static long ReadLabelAndScore(IDataView scored)
    {
        var (labelColumn, scoreColumn) = (scored.Schema["Label"], scored.Schema["Score"]);
        using var cursor = scored.GetRowCursor([labelColumn, scoreColumn]);
        var (label, score) = (cursor.GetGetter<float>(labelColumn), cursor.GetGetter<float>(scoreColumn));
        float labelValue = 0, scoreValue = 0;
        long rows = 0;
        for (; cursor.MoveNext(); rows++)
        {
            label(ref labelValue);
            score(ref scoreValue);
        }
        return rows;
    }

    /// <summary>Rows on a plane through the features plus noise, 1% shifted off it and labelled 1.</summary>
    private static void WriteCsv(string path, int rows, int features)
    {
        var random = new Random(0);
        using var writer = new StreamWriter(path);
        writer.WriteLine(string.Join(',', Enumerable.Range(0, features).Select(j => $"f{j}").Append("Label")));
        var line = new string[features + 1];
        for (int r = 0; r < rows; r++)
        {
            bool anomaly = random.NextDouble() < 0.01;
            double a = random.NextDouble() * 2 - 1, b = random.NextDouble() * 2 - 1;
            for (int j = 0; j < features; j++)
                line[j] = (a * Math.Cos(j) + b * Math.Sin(j) + 0.1 * (random.NextDouble() - 0.5) + (anomaly ? 3 : 0)).ToString("F4", CultureInfo.InvariantCulture);
            line[features] = anomaly ? "1" : "0";
            writer.WriteLine(string.Join(',', line));
        }
    }
}
