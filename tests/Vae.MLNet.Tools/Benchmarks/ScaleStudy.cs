using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Spectre.Console;
using Vae.MLNet.Training;
using Vae.MLNet.Cli;

namespace Vae.MLNet.Tools;

/// <summary>
/// How cost grows with the data: for each size, training epochs and scoring passes over rows streamed from
/// <see cref="SyntheticDataView"/>, in microseconds per row, and the process's peak resident memory so far. Small
/// sizes repeat epochs and passes up to a million rows' worth and leave the first out, so that per-run set-up
/// (TorchSharp's and ONNX Runtime's first calls) does not pass for a per-row cost.
/// </summary>
internal static class ScaleStudy
{
    public sealed record Point(int Rows, double TrainMicrosecondsPerRow, double ScoreMicrosecondsPerRow, double FitSeconds, double PeakResidentMegabytes);

    public static List<Point> Run(IReadOnlyList<int> sizes, int dimension, int[] hidden, int latent, int seed)
    {
        // The first size also pays for the JIT compiling the per-row paths at full optimization: measure it once untimed.
        Measure(sizes[0], dimension, hidden, latent, seed);
        var points = new List<Point>();
        foreach (int rows in sizes)
        {
            var point = Measure(rows, dimension, hidden, latent, seed);
            points.Add(point);
            AnsiConsole.MarkupLine($"{rows,12:N0} rows: training {point.TrainMicrosecondsPerRow:F2} µs/row/epoch, scoring {point.ScoreMicrosecondsPerRow:F3} µs/row, " +
                $"fit {point.FitSeconds:F1} s, peak resident {point.PeakResidentMegabytes:N0} MB");
        }
        return points;
    }

    private static Point Measure(int rows, int dimension, int[] hidden, int latent, int seed)
    {
        int repeats = Math.Clamp(1_000_000 / rows, 1, 100);
        var ml = new MLContext(seed: seed);
        var view = new SyntheticDataView(rows, dimension, seed);
        var epochEnds = new List<double>();
        var clock = Stopwatch.StartNew();
        var detector = ml.AnomalyDetection.Trainers.Vae(new VaeAnomalyDetectionTrainer.Options
        {
            FeatureColumnName = ScoringBenchmark.Column,
            HiddenLayerSizes = hidden,
            LatentDimension = latent,
            Epochs = repeats == 1 ? 1 : repeats + 1,
            ValidationFraction = 0,
            Seed = seed,
            // The final model's epochs only: with no held-out rows, calibration cross-fits five more models.
            Progress = report => { if (report.CalibrationFold == 0) epochEnds.Add(report.Elapsed.TotalSeconds); },
        }).Fit(view);
        double fitSeconds = clock.Elapsed.TotalSeconds;
        double epochSeconds = repeats == 1 ? epochEnds[0] : (epochEnds[^1] - epochEnds[0]) / repeats;

        var scored = detector.Transform(view);
        var passes = Enumerable.Range(0, repeats == 1 ? 1 : repeats + 1).Select(_ => ScorePass(scored)).ToArray();
        double scoreSeconds = repeats == 1 ? passes[0] : passes.Skip(1).Average();
        detector.Dispose();
        GC.Collect();

        var point = new Point(rows, 1e6 * epochSeconds / rows, 1e6 * scoreSeconds / rows, fitSeconds,
            Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0);
        return point;
    }

    private static double ScorePass(IDataView scored)
    {
        var clock = Stopwatch.StartNew();
        ScoreReader.ReadAll(scored);
        return clock.Elapsed.TotalSeconds;
    }
}
