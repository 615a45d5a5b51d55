using System.ComponentModel;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Vae.MLNet.Tools;

/// <summary>
/// <c>vae-mlnet-tools soak</c>: runs <see cref="SoakTest"/> and reports the memory curve; the last output line is one JSON
/// object with the growth after warm-up, the open files and the temporary files left behind.
/// </summary>
internal sealed class SoakCommand : Command<SoakCommand.Settings>
{
    internal sealed class Settings : CommandSettings
    {
        [CommandOption("--cycles <N>"), Description("Fit → score → save → load → dispose cycles (default 1,000).")]
        public int Cycles { get; init; } = 1000;

        [CommandOption("--sample-every <N>"), Description("Cycles between two memory samples (default 50).")]
        public int SampleEvery { get; init; } = 50;

        [CommandOption("--warmup <N>"), Description("Cycles that fill caches and pools before growth is measured (default 100).")]
        public int Warmup { get; init; } = 100;

        public override ValidationResult Validate() =>
            Cycles >= 2 && SampleEvery >= 1 && Warmup >= 1 && Warmup < Cycles
                ? ValidationResult.Success()
                : ValidationResult.Error("--cycles needs at least 2, --sample-every at least 1, and --warmup from 1 to fewer than --cycles.");
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        string temporary = Path.GetTempPath();
        var before = Directory.GetFileSystemEntries(temporary).ToHashSet();
        string work = Directory.CreateTempSubdirectory("vae-soak-").FullName;
        List<SoakTest.Sample> samples;
        try
        {
            samples = SoakTest.Run(settings.Cycles, settings.SampleEvery, work, sample =>
            {
                cancellationToken.ThrowIfCancellationRequested();
                AnsiConsole.MarkupLine($"cycle {sample.Cycle,6}: resident {sample.ResidentMegabytes,7:F1} MB, managed {sample.ManagedMegabytes,6:F1} MB, open files {sample.OpenFiles}");
            });
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
        var left = Directory.GetFileSystemEntries(temporary).Where(entry => !before.Contains(entry)).ToArray();

        var warm = samples.First(s => s.Cycle >= settings.Warmup);
        var last = samples[^1];
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["cycles"] = settings.Cycles,
            ["resident_mb_after_warmup"] = Math.Round(warm.ResidentMegabytes, 1),
            ["resident_mb_at_end"] = Math.Round(last.ResidentMegabytes, 1),
            ["resident_growth_mb"] = Math.Round(last.ResidentMegabytes - warm.ResidentMegabytes, 1),
            ["resident_peak_mb"] = Math.Round(samples.Max(s => s.ResidentMegabytes), 1),
            ["managed_growth_mb"] = Math.Round(last.ManagedMegabytes - warm.ManagedMegabytes, 1),
            ["open_files_after_warmup"] = warm.OpenFiles,
            ["open_files_at_end"] = last.OpenFiles,
            ["temporary_files_left"] = left.Select(Path.GetFileName).ToArray(),
        }));
        return 0;
    }
}
