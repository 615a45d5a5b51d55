using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.MLNet;

/// <summary>
/// The VAE anomaly detector: adds <c>Score</c> (Single, higher = more anomalous; the negative ELBO, reconstruction
/// negative log-likelihood at z = μ plus KL(q(z|x) ‖ N(0, I)), computed without sampling) and <c>PredictedLabel</c>
/// (Boolean, score above <see cref="Threshold"/>), the columns <c>mlContext.AnomalyDetection.Evaluate</c> reads.
/// </summary>
public sealed class VaeAnomalyDetectionTransformer : VaeTransformerBase
{
    /// <summary>Default name of the score column, as ML.NET's anomaly detectors name it.</summary>
    public const string ScoreColumnName = "Score";

    /// <summary>Default name of the label column, as ML.NET's anomaly detectors name it.</summary>
    public const string PredictedLabelColumnName = "PredictedLabel";

    private readonly VaeOutputColumn[] _outputColumns;

    /// <summary>Creates the detector from a trained model and a threshold.</summary>
    /// <param name="model">The trained VAE.</param>
    /// <param name="featureColumnName">The features: a known-size vector of Single with <see cref="VaeModel.InputDimension"/> slots.</param>
    /// <param name="threshold">Rows whose score is above it are labelled anomalous.</param>
    /// <param name="trainingScores">The training rows' score distribution, which lets <see cref="WithContamination"/> pick a threshold.</param>
    /// <param name="scoring">How the score is computed; default the trainer's default,
    /// <see cref="VaeScoreKind.AggregatePosterior"/>, for a model with training codes, and the negative ELBO at z = μ
    /// for one without.</param>
    /// <param name="featureErrorColumnName">If set, a column for the per-feature reconstruction error −log p(xⱼ|z = μ),
    /// a vector of <see cref="VaeModel.InputDimension"/> slots that sums to the reconstruction term: which features made a row anomalous.</param>
    public VaeAnomalyDetectionTransformer(VaeModel model, string featureColumnName, float threshold, ScoreQuantiles? trainingScores = null,
        VaeScoring? scoring = null, string? featureErrorColumnName = null)
        : base(model, featureColumnName)
    {
        if (!float.IsFinite(threshold))
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The threshold must be finite.");
        scoring ??= VaeScoring.For(model);
        scoring.Validate();
        Threshold = threshold;
        TrainingScores = trainingScores;
        ScoringChoice = scoring;
        FeatureErrorColumnName = featureErrorColumnName;
        var columns = new List<VaeOutputColumn>
        {
            VaeOutputColumn.Scalar(ScoreColumnName, VaeOutputs.Score),
            new PredictedLabelColumn(PredictedLabelColumnName, threshold),
        };
        if (featureErrorColumnName != null)
            columns.Add(VaeOutputColumn.Vector(featureErrorColumnName, VaeOutputs.FeatureError, model.InputDimension));
        _outputColumns = columns.ToArray();
    }

    /// <summary>Rows whose score is above the threshold get <c>PredictedLabel</c> = true.</summary>
    public float Threshold { get; }

    /// <summary>The training rows' score distribution, when the model was trained here.</summary>
    public ScoreQuantiles? TrainingScores { get; }

    /// <summary>How the score is computed.</summary>
    public VaeScoring ScoringChoice { get; }

    /// <summary>The per-feature reconstruction-error column, if requested.</summary>
    public string? FeatureErrorColumnName { get; }

    internal override IReadOnlyList<VaeOutputColumn> OutputColumns => _outputColumns;

    internal override VaeScoring Scoring => ScoringChoice;

    internal override (byte[] Graph, string[] Columns) SavedGraph()
    {
        var metadata = new Dictionary<string, string>
        {
            [VaeOnnxMetadata.Kind] = VaeOnnxMetadata.AnomalyKind,
            [VaeOnnxMetadata.Threshold] = VaeOnnxMetadata.FormatFloats([Threshold]),
        };
        if (TrainingScores != null)
            metadata[VaeOnnxMetadata.ScoreQuantiles] = VaeOnnxMetadata.FormatFloats(TrainingScores.Values);
        VaeOnnxMetadata.DescribeScoring(ScoringChoice, metadata);
        var outputs = new List<(string, string)> { (VaeOnnxGraph.Score, ScoreColumnName) };
        if (FeatureErrorColumnName != null)
        {
            outputs.Add((VaeOnnxGraph.FeatureError, FeatureErrorColumnName));
            metadata[VaeOnnxMetadata.FeatureErrorColumn] = FeatureErrorColumnName;
        }
        return ScoringGraph(outputs, (PredictedLabelColumnName, Threshold), metadata);
    }

    private protected override ITransformer ToSaveable(MLContext ml)
    {
        var onnx = ToOnnxTransformer(ml);
        var glue = ml.Transforms.CustomMapping<AnomalyColumnsMapping.OnnxColumns, AnomalyColumnsMapping.Columns>(
            AnomalyColumnsMapping.Map, AnomalyColumnsMapping.ContractName).Fit(onnx.Transform(EmptyInput(ml)));
        return new TransformerChain<ITransformer>(onnx, glue);
    }

    /// <summary>
    /// Writes the detector as an ONNX file: the outputs of <see cref="VaeModelOnnxExtensions"/> plus
    /// <c>predicted_label</c>, Boolean [N], true where <c>score</c> is above <see cref="Threshold"/>.
    /// </summary>
    public void ExportOnnx(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var bytes = VaeOnnxGraph.Build(Model, new VaeGraphOptions { Label = (VaeOnnxGraph.PredictedLabel, Threshold), Scoring = ScoringChoice });
        AtomicFile.Write(path, file => file.Write(bytes));
    }

    /// <summary>The same model with another threshold; no retraining.</summary>
    public VaeAnomalyDetectionTransformer WithThreshold(float threshold) =>
        new(Model, FeatureColumnName, threshold, TrainingScores, ScoringChoice, FeatureErrorColumnName);

    /// <summary>
    /// The same model with the threshold that flags a fraction <paramref name="contamination"/> of the training rows.
    /// </summary>
    public VaeAnomalyDetectionTransformer WithContamination(double contamination)
    {
        var scores = TrainingScores
            ?? throw new InvalidOperationException("This detector has no training-score distribution; set a threshold with WithThreshold.");
        return WithThreshold(scores.ThresholdForContamination(contamination));
    }
}
