using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Vae.MLNet.Training;

namespace Vae.MLNet.Cli;

/// <summary>The figures of one detector trained on one file and scored on another.</summary>
internal sealed record EvaluationResult(
    string Detector,
    double Auc,
    double DetectionRateAt10FalsePositives,
    double TrainSeconds,
    double ScoreRowsPerSecond,
    int TestRows,
    ITransformer Model,
    IDataView Scored);

/// <summary>
/// Trains a detector pipeline — features z-scored with the training rows' statistics, then the detector — on the
/// training file, scores the test file and evaluates it with ML.NET's anomaly-detection evaluator.
/// </summary>
internal static class DetectorEvaluation
{
    /// <param name="detector">The detector, given a callback for its epoch reports (a detector without epochs ignores it).</param>
    public static EvaluationResult Run(MLContext ml, string name, CsvDataset train, CsvDataset test,
        Func<Action<VaeEpochReport>, IEstimator<ITransformer>> detector, CliProgress progress)
    {
        using var training = progress.Begin($"training {name}", "epochs");
        void OnEpoch(VaeEpochReport report) => training.Report(report.Epoch, report.Epochs, $"epoch {report.Epoch} of {report.Epochs}, loss {report.TrainLoss:F3}");
        // fixZero: false centres the features, as a z-score does; ML.NET's default only scales them.
        var pipeline = ml.Transforms.NormalizeMeanVariance(CsvDataset.FeaturesColumn, fixZero: false).Append(detector(OnEpoch));

        var clock = Stopwatch.StartNew();
        var model = Guard(train, () => pipeline.Fit(train.Data));
        double trainSeconds = clock.Elapsed.TotalSeconds;
        training.Complete();

        // Cached as the timed pass reads it, so that the evaluator and the caller's score file read the scores
        // instead of scoring every row again.
        var scored = ml.Data.Cache(model.Transform(test.Data));
        using var scoring = progress.Begin($"scoring {Path.GetFileName(test.Path)}", "rows");
        clock.Restart();
        int rows = Guard(test, () => CountScoredRows(scored, scoring));
        double scoreSeconds = clock.Elapsed.TotalSeconds;
        scoring.Complete();

        var metrics = Guard(test, () => ml.AnomalyDetection.Evaluate(scored, CsvDataset.LabelColumn, falsePositiveCount: 10));
        return new EvaluationResult(name, metrics.AreaUnderRocCurve, metrics.DetectionRateAtFalsePositiveCount,
            trainSeconds, rows / Math.Max(scoreSeconds, 1e-9), rows, model, scored);
    }

    /// <summary>Reads every score, which makes the scorer run on every row.</summary>
    private static int CountScoredRows(IDataView scored, ProgressPhase progress)
    {
        int rows = (int)ScoreReader.ReadAll(scored, progress: progress);
        if (rows == 0)
            throw new CliException("the test file has no rows.");
        return rows;
    }

    private static T Guard<T>(CsvDataset file, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (VaeDataException error)
        {
            throw file.Explain(error);
        }
    }
}
