using Microsoft.ML.Runtime;

namespace Vae.MLNet.Training;

/// <summary>
/// The anomaly detector's calibration scores: each from a model that neither took a gradient step on the row nor
/// keeps its code, so that the scores are distributed as a new normal row's (split and cross-conformal calibration).
/// </summary>
internal static class ConformalCalibration
{
    /// <summary>
    /// The calibration scores of <paramref name="trained"/>'s rows as <paramref name="calibration"/> says: its own
    /// held-out rows, or every row scored by a model trained without its fold; null for a single distinct row, which no
    /// model can be trained without. With them, the scoring they are scores of: <paramref name="scoring"/>, with the map by
    /// observed count fitted on the same rows for a model of missing values (<see cref="ObservedCountCalibration"/>).
    /// </summary>
    public static (CalibrationScores? Scores, VaeScoring Scoring) Scores(TrainedModel trained, VaeTrainingOptions options, VaeScoring scoring,
        VaeCalibration calibration, int folds, int minimumHeldOutRows, string columnName, IChannel channel)
    {
        var members = Members(trained, options, calibration, folds, minimumHeldOutRows, columnName, channel);
        if (members is null)
            return (null, scoring);
        scoring = ObservedCountCalibration.Fit(trained, scoring, members, options.CancellationToken);
        var scores = members.SelectMany(m => Score(m.Model, scoring, trained, m.Rows, options.CancellationToken)).ToArray();
        return (CalibrationScores.FromScores(scores), scoring);
    }

    /// <summary>The calibration models and the rows each scores (see <see cref="Scores"/>); null for a single distinct row.</summary>
    private static IReadOnlyList<(VaeModel Model, long[] Rows)>? Members(TrainedModel trained, VaeTrainingOptions options,
        VaeCalibration calibration, int folds, int minimumHeldOutRows, string columnName, IChannel channel)
    {
        if (calibration == VaeCalibration.Automatic)
            calibration = trained.HeldOut.Length >= minimumHeldOutRows ? VaeCalibration.HeldOut : VaeCalibration.CrossFit;
        if (calibration == VaeCalibration.HeldOut)
        {
            if (trained.HeldOut.Length == 0)
                throw new InvalidOperationException(
                    $"Calibration on held-out rows needs some: {trained.Rows} rows with ValidationFraction {options.ValidationFraction} hold none out. " +
                    "Use VaeCalibration.CrossFit or a larger ValidationFraction.");
            // The held-out rows come in a seeded random order: the first ones are a uniform sample of them.
            var rows = trained.HeldOut[..Math.Min(trained.HeldOut.Length, CalibrationScores.MaximumCount)];
            channel.Info(MessageSensitivity.None, $"Calibrating the threshold on {rows.Length} held-out rows.");
            return [(trained.Model, rows)];
        }
        return CrossFit(trained, options, folds, columnName, channel);
    }

    /// <summary>
    /// K models, each trained like the final one on all rows but one fold, and the rows of that fold: a score for every
    /// row (at most <see cref="CalibrationScores.MaximumCount"/>, a seeded sample) from a model that did not see it.
    /// </summary>
    private static IReadOnlyList<(VaeModel Model, long[] Rows)>? CrossFit(TrainedModel trained, VaeTrainingOptions options, int folds, string columnName, IChannel channel)
    {
        // Another stream than the training's shuffle, so that the folds do not follow its held-out split. The copies of a
        // row fall in one fold, so that no calibration model trained on the copy of a row it scores.
        var groups = RowGroups.Shuffled(trained.Features, trained.Rows, trained.Dimension, new Random(unchecked(trained.Seed * 7919 + 1)));
        if (groups.Count < 2)
            return null;
        // Fewer distinct rows than folds: one a fold (leave-one-out).
        folds = Math.Min(folds, groups.Count);
        var order = groups.Order;
        int kept = Math.Min(trained.Rows, CalibrationScores.MaximumCount), scored = 0;
        var members = new List<(VaeModel, long[])>(folds);
        for (int f = 0; f < folds; f++)
        {
            int start = groups.Start((int)((long)groups.Count * f / folds)), end = groups.Start((int)((long)groups.Count * (f + 1) / folds));
            var fold = order[start..end];
            var rest = order[..start].Concat(order[end..]).ToArray();
            channel.Info(MessageSensitivity.None, $"Calibration model {f + 1}/{folds}: training on {rest.Length} rows to score the other {fold.Length}.");
            // A fold's model scores with the minor-component term whenever the final one does, however few rows the
            // fold leaves it: otherwise a detector trained on just over as many rows as features calibrates on scores
            // without the term and flags most new normal rows.
            var model = VaeTrainer.Train(Gather(trained, rest), rest.Length, trained.Model.InputLayout, options.ForCalibrationFold(f + 1),
                unchecked(trained.Seed + f + 1), columnName, channel, out _, minorComponentsOnAnyRowCount: trained.Model.MinorComponents is not null);
            // Each fold is a uniform share of the rows: keeping the same share of each keeps a uniform sample.
            int keep = Math.Min((int)((long)kept * end / trained.Rows) - scored, fold.Length);
            members.Add((model, fold[..keep]));
            scored += keep;
        }
        return members;
    }

    /// <summary>The scores of <paramref name="rows"/> of the training data under <paramref name="model"/>.</summary>
    private static float[] Score(VaeModel model, VaeScoring scoring, TrainedModel trained, long[] rows, CancellationToken cancellation)
    {
        using var scorer = new VaeOnnxScorer(model, scoring);
        return scorer.ScoreAll(Gather(trained, rows), rows.Length, cancellation);
    }

    /// <summary>The listed rows of the training data, row-major.</summary>
    internal static float[] Gather(TrainedModel trained, long[] rows)
    {
        int d = trained.Dimension;
        var gathered = new float[rows.Length * d];
        for (int i = 0; i < rows.Length; i++)
            Array.Copy(trained.Features, rows[i] * d, gathered, (long)i * d, d);
        return gathered;
    }
}
