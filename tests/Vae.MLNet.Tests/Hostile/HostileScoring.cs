using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.MLNet.Tests.Hostile;

/// <summary>
/// What a model loaded from a hostile file must still do: score rows. Whatever goes wrong while scoring is reported as
/// a <see cref="ScoringFailure"/>, so that the tally tells it from a failure to load.
/// </summary>
internal static class HostileScoring
{
    /// <summary>
    /// Beyond this no training goes: weights and biases of a trained VAE stay within a few hundred. A file damaged
    /// into holding larger (finite) weights loads, and its arithmetic may overflow to an infinite or NaN score.
    /// </summary>
    public const float TrainedWeightBound = 1e6f;

    /// <summary>
    /// Scores an ordinary row, with a missing cell when the model says it handles them; the score must be finite
    /// unless the weights are beyond <see cref="TrainedWeightBound"/>.
    /// </summary>
    public static void ScoreOneRow(VaeModel model) => Score(() =>
    {
        using var scorer = new VaeOnnxScorer(model);
        var row = TestData.Gaussian(1, 0, model.InputDimension)[0].Features;
        if (model.MissingValues == VaeMissingValues.Model)
            row[0] = float.NaN;
        float score = scorer.ScoreAll(row, 1)[0];
        if (!float.IsFinite(score) && LargestWeight(model) <= TrainedWeightBound)
            throw new NotFiniteScoreException($"score {score} with weights within ±{TrainedWeightBound}");
    });

    /// <summary>
    /// Scores <paramref name="rows"/> with a loaded pipeline; the scores must be finite unless a VAE in it holds weights
    /// beyond <see cref="TrainedWeightBound"/> or none can be seen (ML.NET's own loader gives OnnxTransformers).
    /// </summary>
    public static void ScoreRows(ITransformer pipeline, IDataView rows) => Score(() =>
    {
        var scores = pipeline.Transform(rows).GetColumn<float>("Score").ToArray();
        var models = (pipeline as IEnumerable<ITransformer> ?? [pipeline]).OfType<VaeTransformerBase>().Select(t => t.Model).ToArray();
        if (scores.Any(s => !float.IsFinite(s)) && (models.Length == 0 || models.All(m => LargestWeight(m) <= TrainedWeightBound)))
            throw new NotFiniteScoreException($"scores [{string.Join(", ", scores)}] with weights within ±{TrainedWeightBound}");
    });

    /// <summary>Runs <paramref name="score"/>, wrapping what it throws.</summary>
    private static void Score(Action score)
    {
        try
        {
            score();
        }
        catch (Exception error)
        {
            throw new ScoringFailure(error);
        }
    }

    private static float LargestWeight(VaeModel model) =>
        model.EncoderLayers.Append(model.MeanLayer).Append(model.LogVarianceLayer).Concat(model.DecoderLayers).Append(model.OutputLayer)
            .SelectMany(l => l.Weight.Concat(l.Bias)).Max(Math.Abs);
}
