namespace Vae.MLNet;

/// <summary>
/// Anomaly scores of normal rows that the scoring model did not learn from, kept sorted: what turns a false-alarm
/// rate into a threshold, and a score into a conformal p-value, with split-conformal guarantees.
/// </summary>
/// <remarks>
/// For a new row exchangeable with the calibration rows (drawn from the same distribution, e.g. a new normal row when
/// the training rows are normal), the row's score is as likely to fall in any of the n + 1 gaps between the n
/// calibration scores. Hence <see cref="ThresholdFor"/>: flagging scores above the ⌈(n + 1)(1 − α)⌉-th smallest
/// calibration score flags such a row with probability at most α; and <see cref="PValue"/>: P(p ≤ α) ≤ α.
/// </remarks>
public sealed class CalibrationScores
{
    /// <summary>The most scores kept: 10,000 resolve a false-alarm rate of 1e-4, and the p-value's cost grows with them.</summary>
    public const int MaximumCount = 10000;

    // (n + 1)(1 − α) is a whole number for many usual (n, α); computed in binary floating point it can land just above
    // it, and its ceiling one rank too high.
    private const double RankTolerance = 1e-9;

    private readonly float[] _sorted;

    private CalibrationScores(float[] sorted) => _sorted = sorted;

    /// <summary>Keeps <paramref name="scores"/> (at least one and at most <see cref="MaximumCount"/>, all finite), sorted.</summary>
    public static CalibrationScores FromScores(ReadOnlySpan<float> scores)
    {
        if (scores.IsEmpty || scores.Length > MaximumCount)
            throw new ArgumentException($"Between 1 and {MaximumCount} calibration scores are needed; got {scores.Length}.", nameof(scores));
        for (int i = 0; i < scores.Length; i++)
            if (!float.IsFinite(scores[i]))
                throw new ArgumentException($"Calibration score {i} is {scores[i]}; every score must be finite.", nameof(scores));
        var sorted = scores.ToArray();
        Array.Sort(sorted);
        return new CalibrationScores(sorted);
    }

    /// <summary>The scores, in ascending order.</summary>
    public IReadOnlyList<float> Values => Array.AsReadOnly(_sorted);

    /// <summary>n, the number of calibration scores.</summary>
    public int Count => _sorted.Length;

    /// <summary>
    /// The split-conformal threshold for a false-alarm rate <paramref name="falseAlarmRate"/> (α): the
    /// ⌈(n + 1)(1 − α)⌉-th smallest calibration score, so that a new normal row scores above it with probability at
    /// most α. When that rank exceeds n (α &lt; 1 / (n + 1): too few scores to promise so small a rate), no finite
    /// threshold keeps the promise and the result is +∞, which flags nothing; α = 1 gives −∞, which flags everything.
    /// </summary>
    public float ThresholdFor(double falseAlarmRate)
    {
        if (!(falseAlarmRate is >= 0 and <= 1))
            throw new ArgumentOutOfRangeException(nameof(falseAlarmRate), falseAlarmRate, "The false-alarm rate must be in [0, 1].");
        int n = _sorted.Length;
        long rank = (long)Math.Ceiling((n + 1) * (1 - falseAlarmRate) - RankTolerance);
        return rank > n ? float.PositiveInfinity : rank < 1 ? float.NegativeInfinity : _sorted[rank - 1];
    }

    /// <summary>
    /// The smallest false-alarm rate that <see cref="ThresholdFor"/> can promise with these scores: 1 / (n + 1).
    /// </summary>
    public double SmallestFalseAlarmRate => 1.0 / (_sorted.Length + 1);

    /// <summary>
    /// The conformal p-value of <paramref name="score"/>: (1 + the number of calibration scores at or above it) / (n + 1).
    /// For a new normal row P(p ≤ α) ≤ α at every α, so flagging p ≤ α is the same promise as <see cref="ThresholdFor"/>,
    /// at any α chosen after training.
    /// </summary>
    public float PValue(float score)
    {
        // The first index whose score is at or above the row's: everything from there on counts.
        int lower = 0, upper = _sorted.Length;
        while (lower < upper)
        {
            int middle = (lower + upper) >>> 1;
            if (_sorted[middle] < score)
                lower = middle + 1;
            else
                upper = middle;
        }
        return (float)((1.0 + _sorted.Length - lower) / (_sorted.Length + 1));
    }
}
