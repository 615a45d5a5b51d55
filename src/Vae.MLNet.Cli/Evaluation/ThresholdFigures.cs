namespace Vae.MLNet.Cli;

/// <summary>
/// What a threshold does on a labelled test file: the share of its normal rows flagged (the false-alarm rate a user
/// lives with), the share of its anomalies flagged, and the share of flagged rows that are anomalies.
/// </summary>
internal sealed record ThresholdFigures(float? Threshold, int Flagged, double FalsePositiveRate, double Recall, double? Precision)
{
    /// <summary>The figures of flagging the rows whose score is above <paramref name="threshold"/>.</summary>
    public static ThresholdFigures At(float threshold, IReadOnlyList<float> scores, IReadOnlyList<bool> anomalies) =>
        Of(threshold, scores.Select(score => score > threshold).ToArray(), anomalies);

    /// <summary>The figures of the rows a detector flagged (<paramref name="flags"/>), with the threshold it used if known.</summary>
    public static ThresholdFigures Of(float? threshold, IReadOnlyList<bool> flags, IReadOnlyList<bool> anomalies)
    {
        int normal = 0, anomalous = 0, falseAlarms = 0, hits = 0;
        for (int i = 0; i < flags.Count; i++)
        {
            bool flagged = flags[i];
            if (anomalies[i])
            {
                anomalous++;
                hits += flagged ? 1 : 0;
            }
            else
            {
                normal++;
                falseAlarms += flagged ? 1 : 0;
            }
        }
        int flaggedRows = hits + falseAlarms;
        return new ThresholdFigures(threshold, flaggedRows, Ratio(falseAlarms, normal), Ratio(hits, anomalous),
            flaggedRows == 0 ? null : hits / (double)flaggedRows);
    }

    /// <summary>The figures as JSON-ready name/value pairs, rounded, with <paramref name="prefix"/> before each name.</summary>
    public IEnumerable<KeyValuePair<string, object?>> ToJson(string prefix = "") =>
    [
        // JSON has no infinity, and null would say the same of a threshold that flags nothing (+∞: contamination 0, or too
        // few calibration rows for the rate) and one that flags everything (−∞: contamination 1): the names that
        // float("…") in Python and System.Text.Json's named literals read.
        new($"{prefix}threshold", Threshold switch
        {
            float.PositiveInfinity => "Infinity",
            float.NegativeInfinity => "-Infinity",
            float t => t,
            null => null,
        }),
        new($"{prefix}false_positive_rate", Math.Round(FalsePositiveRate, 6)),
        new($"{prefix}recall_at_threshold", Math.Round(Recall, 6)),
        new($"{prefix}precision_at_threshold", Precision is double p ? Math.Round(p, 6) : null),
    ];

    private static double Ratio(int part, int whole) => whole == 0 ? 0 : part / (double)whole;
}
