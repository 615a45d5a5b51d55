using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.MLNet;

/// <summary>
/// Changes the threshold of the VAE anomaly detector inside a fitted or loaded pipeline, without retraining and
/// without rebuilding the chain by hand: the pipeline comes back with the detector replaced.
/// </summary>
public static class VaeDetectorPipelines
{
    /// <summary>The pipeline <c>Fit</c> returned, with the detector's calibrated threshold for <paramref name="contamination"/>.</summary>
    public static TransformerChain<VaeAnomalyDetectionTransformer> WithContamination(
        this TransformerChain<VaeAnomalyDetectionTransformer> pipeline, double contamination) =>
        Typed(pipeline, detector => detector.WithContamination(contamination));

    /// <summary>The pipeline <c>Fit</c> returned, with the detector's threshold set to <paramref name="threshold"/>.</summary>
    public static TransformerChain<VaeAnomalyDetectionTransformer> WithThreshold(
        this TransformerChain<VaeAnomalyDetectionTransformer> pipeline, float threshold) =>
        Typed(pipeline, detector => detector.WithThreshold(threshold));

    /// <summary>
    /// Any pipeline that holds a VAE anomaly detector — fitted, loaded with <c>LoadWithBatchedScoring</c>, or loaded with
    /// <c>mlContext.Model.Load</c> (whose detector is ML.NET's OnnxTransformer: the result then scores in batches, as
    /// <c>LoadWithBatchedScoring</c> gives it) — with the detector's calibrated threshold for <paramref name="contamination"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The pipeline holds no VAE anomaly detector, or one without calibration scores.</exception>
    public static ITransformer WithContamination(this ITransformer pipeline, MLContext mlContext, double contamination) =>
        Untyped(pipeline, mlContext, detector => detector.WithContamination(contamination));

    /// <summary>Any pipeline that holds a VAE anomaly detector (see the other overload), with its threshold set to <paramref name="threshold"/>.</summary>
    /// <exception cref="InvalidOperationException">The pipeline holds no VAE anomaly detector.</exception>
    public static ITransformer WithThreshold(this ITransformer pipeline, MLContext mlContext, float threshold) =>
        Untyped(pipeline, mlContext, detector => detector.WithThreshold(threshold));

    private static TransformerChain<VaeAnomalyDetectionTransformer> Typed(TransformerChain<VaeAnomalyDetectionTransformer> pipeline,
        Func<VaeAnomalyDetectionTransformer, VaeAnomalyDetectionTransformer> change)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        var steps = pipeline.ToArray();
        steps[^1] = change(pipeline.LastTransformer);
        return new TransformerChain<VaeAnomalyDetectionTransformer>(steps);
    }

    private static ITransformer Untyped(ITransformer pipeline, MLContext mlContext, Func<VaeAnomalyDetectionTransformer, VaeAnomalyDetectionTransformer> change)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(mlContext);
        if (TryReplace(pipeline, change) is { } changed)
            return changed;
        // mlContext.Model.Load gives the detector back as the ML.NET components it was saved as; its settings and
        // calibration scores live in their graph's metadata, which the batched loader reads.
        return TryReplace(BatchedReload.Reload(mlContext.Model, pipeline, null), change)
            ?? throw new InvalidOperationException("The pipeline holds no VAE anomaly detector.");
    }

    /// <summary>The pipeline with its last VAE anomaly detector (in nested chains too) changed, or null if it has none.</summary>
    private static ITransformer? TryReplace(ITransformer node, Func<VaeAnomalyDetectionTransformer, VaeAnomalyDetectionTransformer> change)
    {
        if (node is VaeAnomalyDetectionTransformer detector)
            return change(detector);
        if (node is not IEnumerable<ITransformer> chain)
            return null;
        var steps = chain.ToArray();
        for (int i = steps.Length - 1; i >= 0; i--)
            if (TryReplace(steps[i], change) is { } replaced)
            {
                steps[i] = replaced;
                return new TransformerChain<ITransformer>(steps);
            }
        return null;
    }
}
