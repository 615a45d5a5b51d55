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
    IDataView Scored,
    TestScores Test,
    ThresholdFigures AtThreshold);

/// <summary>The test rows' scores, the detector's flags and the labels, in file order.</summary>
internal sealed record TestScores(float[] Scores, bool[] Flags, bool[] Anomalies);

/// <summary>
/// Trains a detector pipeline — features z-scored with the training rows' statistics
/// (<see cref="FeatureStandardization"/>), then the detector — on the training file, scores the test file and
/// evaluates it with ML.NET's anomaly-detection evaluator.
/// </summary>
internal static class DetectorEvaluation
{
    /// <param name="detector">The detector, given a callback for its epoch reports (a detector without epochs ignores it).</param>
    public static EvaluationResult Run(MLContext ml, string name, CsvDataset train, CsvDataset test,
        Func<Action<VaeEpochReport>, IEstimator<ITransformer>> detector, CliProgress progress)
    {
        using var training = progress.Begin($"training {name}", "epochs");
        // A detector that calibrates by cross-fitting trains more models after its own: their epochs count from 1 again.
        void OnEpoch(VaeEpochReport report) => training.Report(report.Epoch, report.Epochs,
            (report.CalibrationFold > 0 ? $"calibration model {report.CalibrationFold}, " : "") + $"epoch {report.Epoch} of {report.Epochs}, loss {report.TrainLoss:F3}");

        var clock = Stopwatch.StartNew();
        var model = Guard(train, () =>
        {
            var standardize = FeatureStandardization.Fit(ml, train);
            var fitted = detector(OnEpoch).Fit(standardize.Transform(train.Data));
            return standardize.Append(fitted is VaeAnomalyDetectionTransformer vae ? DetectorPValues.Added(vae) : fitted);
        });
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

        var metrics = Guard(test, () => ml.AnomalyDetection.Evaluate(scored, test.LabelName!, falsePositiveCount: 10));
        var testScores = ReadTestScores(scored, test.LabelName!);
        float? threshold = (model as TransformerChain<ITransformer>)?.LastTransformer is VaeAnomalyDetectionTransformer vae ? vae.Threshold : null;
        return new EvaluationResult(name, metrics.AreaUnderRocCurve, metrics.DetectionRateAtFalsePositiveCount,
            trainSeconds, rows / Math.Max(scoreSeconds, 1e-9), rows, model, scored, testScores,
            ThresholdFigures.Of(threshold, testScores.Flags, testScores.Anomalies));
    }

    private static TestScores ReadTestScores(IDataView scored, string labelName) => new(
        scored.GetColumn<float>("Score").ToArray(),
        scored.GetColumn<bool>("PredictedLabel").ToArray(),
        scored.GetColumn<float>(labelName).Select(label => label > 0).ToArray());

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
        catch (Exception error) when (CsvDataset.DataError(error) is { } data)
        {
            throw file.Explain(data);
        }
    }
}
