using System.ComponentModel;
using System.Globalization;
using Microsoft.ML;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Vae.MLNet.Cli;

/// <summary>
/// <c>vae-mlnet generate</c>: draws new rows from the VAE of a saved pipeline (z ~ N(0, I), decoded) and writes them
/// to CSV in the data's units (through the pipeline's normalizer, when it has one), batch by batch: memory stays the
/// same whatever the count.
/// </summary>
internal sealed class GenerateCommand : Command<GenerateCommand.Settings>
{
    // Rows drawn, decoded and written at a time: a few megabytes however many are asked for.
    private const int BatchRows = 16_384;

    internal sealed class Settings : CommandSettings
    {
        [CommandOption("--model <ZIP>"), Description("A pipeline saved by mlContext.Model.Save, e.g. vae-demo-output/model.zip.")]
        public string Model { get; init; } = "";

        [CommandOption("--count <N>"), Description("Rows to generate (default 100).")]
        public int Count { get; init; } = 100;

        [CommandOption("--seed <N>"), Description("Seed of the draws (default 0).")]
        public int Seed { get; init; }

        [CommandOption("--draw"), Description("Draw each row from p(x|z) instead of taking the decoder's mean.")]
        public bool Draw { get; init; }

        [CommandOption("--output <CSV>"), Description("Where to write the rows (default generated.csv).")]
        public string Output { get; init; } = "generated.csv";

        public override ValidationResult Validate() =>
            Model.Length == 0 ? ValidationResult.Error("--model is required.")
            : Count < 1 ? ValidationResult.Error("--count must be at least 1.")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        OutputLocation.CheckFile(settings.Output, "--output", ("--model", settings.Model));
        var pipeline = SavedPipeline.Load(new MLContext(seed: settings.Seed), settings.Model);
        // Its rows are written in the data's units through the normalizers: numbers only, for now.
        if (!pipeline.Vae.Model.InputLayout.IsSingleReal)
            throw new CliException($"{settings.Model}: the VAE reads columns of several kinds ({pipeline.Vae.Model.InputLayout}); generate writes rows of one column of numbers only.");
        var toDataUnits = pipeline.ToDataUnits();
        CliProgress.Run(progress =>
        {
            using var generating = progress.Begin($"generating {Path.GetFileName(settings.Output)}", "rows", settings.Count);
            OutputLocation.Write(settings.Output, file =>
            {
                using var writer = new StreamWriter(file, leaveOpen: true);
                writer.WriteLine(string.Join(",", pipeline.FeatureNames(pipeline.VaeIndex).Select(CsvCell.Quote)));
                // long: the last batch may end past int.MaxValue.
                for (long first = 0; first < settings.Count; first += BatchRows)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    int count = (int)Math.Min(BatchRows, settings.Count - first);
                    foreach (var row in VaeGeneration.SampleRange(pipeline.Vae.Model, first, count, settings.Seed, settings.Draw).Select(toDataUnits))
                        writer.WriteLine(string.Join(",", row.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
                    generating.Report(first + count);
                }
            });
            generating.Complete();
            return 0;
        });
        AnsiConsole.MarkupLine($"Wrote {settings.Count} generated rows to [bold]{Markup.Escape(settings.Output)}[/].");
        return 0;
    }
}
