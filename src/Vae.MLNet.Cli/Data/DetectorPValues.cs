namespace Vae.MLNet.Cli;

/// <summary>
/// The detectors the tool trains give p-values, as <c>score</c> writes them, in the pipeline <c>evaluate --save-model</c>
/// and <c>demo</c> save, so that <c>mlContext.Model.Load</c> and the pipeline's ONNX export give them too.
/// </summary>
internal static class DetectorPValues
{
    /// <summary>
    /// <paramref name="detector"/> with its <c>PValue</c> column when it has calibration scores (the same model,
    /// threshold, score and per-feature errors); as it is otherwise (one distinct training row leaves none).
    /// </summary>
    public static VaeAnomalyDetectionTransformer Added(VaeAnomalyDetectionTransformer detector) =>
        detector.Calibration is null || detector.HasPValueColumn ? detector
            : new VaeAnomalyDetectionTransformer(detector.Model, detector.InputColumnName, detector.Threshold, detector.Calibration,
                detector.Scoring, detector.FeatureErrorColumnName, addPValueColumn: true);
}
