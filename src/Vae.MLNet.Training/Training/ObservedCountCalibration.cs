namespace Vae.MLNet.Training;

/// <summary>
/// Fits a detector of missing values' <see cref="ObservedCountScale"/> on its calibration rows: each calibration
/// model scores its rows as they are and, for every count k of observed features below theirs, with observed features
/// masked at random down to k (Boolean features, which are never missing, kept); the map then puts every count's scores
/// on one scale (<see cref="ObservedCountScale.FromGroups"/>).
/// </summary>
internal static class ObservedCountCalibration
{
    /// <summary>
    /// Rows masked down to each count, over all calibration models: 1,000, enough for a 90th percentile within about
    /// a hundredth of its quantile level, and (F − 1) · 1,000 rows to score in all, seconds for a hundred features.
    /// </summary>
    public const int MaskedRowsPerCount = 1000;

    /// <summary>
    /// <paramref name="scoring"/> with the map fitted on <paramref name="members"/> (calibration models and the rows of
    /// <paramref name="trained"/> each scores, rows it did not learn from); <paramref name="scoring"/> itself for a model
    /// that refuses missing values, or when too few rows fit one.
    /// </summary>
    public static VaeScoring Fit(TrainedModel trained, VaeScoring scoring, IReadOnlyList<(VaeModel Model, long[] Rows)> members, CancellationToken cancellation)
    {
        var layout = trained.Model.InputLayout;
        if (trained.Model.MissingValues != VaeMissingValues.Model || layout.Features < 2)
            return scoring;
        int features = layout.Features, width = trained.Dimension;
        var slotOfCells = layout.SlotOfCells();
        // A Boolean has no missing value in ML.NET, so every row to score observes its Boolean slots: rows masked
        // down to k keep them and lose other slots, or the map of each count would be fitted on rows unlike the rows
        // of that count it scores (with 10 of 21 features Boolean, complete rows were flagged at 22% at c = 0.1).
        var neverMissing = layout.Columns.SelectMany(c => Enumerable.Repeat(c.Kind == VaeInputKind.Binary, c.Slots)).ToArray();
        var groups = Enumerable.Range(0, features + 1).Select(_ => new List<float>()).ToArray();
        // Another stream than the training's shuffle and the folds': which features are masked is its own draw.
        var random = new Random(unchecked(trained.Seed * 7919 + 2));
        int perMember = (MaskedRowsPerCount + members.Count - 1) / members.Count;
        foreach (var (model, rows) in members)
        {
            var cells = ConformalCalibration.Gather(trained, rows);
            var observedSlots = Enumerable.Range(0, rows.Length).Select(i => ObservedSlots(cells.AsSpan(i * width, width), slotOfCells, features)).ToArray();
            using var scorer = new VaeOnnxScorer(model, scoring);
            // The rows as they are, then, count by count, up to perMember rows with more than k observed features
            // masked down to k: one batch per count keeps memory at one count's rows.
            var scores = scorer.ScoreAll(cells, rows.Length, cancellation);
            for (int i = 0; i < rows.Length; i++)
                groups[observedSlots[i].Length].Add(scores[i]);
            for (int k = 1; k < features; k++)
            {
                var masked = new List<float>();
                for (int i = 0; i < rows.Length && masked.Count < perMember * width; i++)
                {
                    var kept = new bool[features];
                    int alwaysKept = 0;
                    foreach (int slot in observedSlots[i])
                        if (neverMissing[slot])
                        {
                            kept[slot] = true;
                            alwaysKept++;
                        }
                    if (observedSlots[i].Length <= k || alwaysKept > k)
                        continue;
                    var order = observedSlots[i].Where(s => !neverMissing[s]).ToArray();
                    random.Shuffle(order);
                    foreach (int slot in order[..(k - alwaysKept)])
                        kept[slot] = true;
                    for (int c = 0; c < width; c++)
                        masked.Add(kept[slotOfCells[c]] ? cells[i * width + c] : float.NaN);
                }
                if (masked.Count > 0)
                    groups[k].AddRange(scorer.ScoreAll(masked.ToArray(), masked.Count / width, cancellation));
            }
        }
        return ObservedCountScale.FromGroups(groups) is { } map ? scoring with { ObservedCountScale = map } : scoring;
    }

    /// <summary>The feature slots of <paramref name="row"/> with no NaN cell.</summary>
    private static int[] ObservedSlots(ReadOnlySpan<float> row, int[] slotOfCells, int features)
    {
        var missing = new bool[features];
        for (int c = 0; c < row.Length; c++)
            if (float.IsNaN(row[c]))
                missing[slotOfCells[c]] = true;
        return Enumerable.Range(0, features).Where(s => !missing[s]).ToArray();
    }
}
