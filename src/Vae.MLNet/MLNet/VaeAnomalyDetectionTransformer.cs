using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.MLNet;

/// <summary>
/// The VAE anomaly detector: adds <c>Score</c> (Single, higher = more anomalous; computed as <see cref="Scoring"/>
/// says), <c>PredictedLabel</c> (Boolean, score above <see cref="Threshold"/>) — the columns
/// <c>mlContext.AnomalyDetection.Evaluate</c> reads — and, on request, <c>PValue</c> and per-feature errors.
/// </summary>
public sealed class VaeAnomalyDetectionTransformer : VaeTransformerBase
{
    /// <summary>Default name of the score column, as ML.NET's anomaly detectors name it.</summary>
    public const string ScoreColumnName = "Score";

    /// <summary>Default name of the label column, as ML.NET's anomaly detectors name it.</summary>
    public const string PredictedLabelColumnName = "PredictedLabel";

    /// <summary>The name of the conformal p-value column, when the detector adds it.</summary>
    public const string PValueColumnName = "PValue";

    private readonly VaeOutputColumn[] _outputColumns;

    /// <summary>Creates the detector from a trained model and a threshold.</summary>
    /// <param name="model">The trained VAE.</param>
    /// <param name="inputColumnName">The features: the first column of the model's <see cref="VaeModel.InputLayout"/> (a known-size
    /// vector of Single with <see cref="VaeModel.InputDimension"/> slots for a model of one real column); the layout's other columns are read by their names.</param>
    /// <param name="threshold">Rows whose score is above it are labelled anomalous; +∞ labels none, −∞ every row; not NaN.</param>
    /// <param name="calibration">Scores of normal rows the model did not learn from, which let <see cref="WithContamination"/>
    /// pick a calibrated threshold and the <c>PValue</c> column be computed.</param>
    /// <param name="scoring">How the score is computed; default <see cref="VaeScoreKind.AggregatePosterior"/> with the
    /// latent weight <see cref="VaeScoring.Defaults.LatentDensityWeight"/> for a model with training codes, and the
    /// negative ELBO at z = μ for one without. A trainer given no weight picks one from its rows
    /// (<see cref="VaeScoring.Defaults.LatentDensityWeightFor"/>): to rebuild a trained detector from its
    /// <see cref="VaeTransformerBase.Model"/> with its <see cref="Threshold"/> or <see cref="Calibration"/>, pass its <see cref="Scoring"/> too.</param>
    /// <param name="featureErrorColumnName">If set, a column for the per-feature reconstruction error −log p(xⱼ|z = μ),
    /// a vector of one slot per feature (<see cref="VaeInputLayout.Features"/>: a key slot is one feature) that sums to the
    /// reconstruction term: which features made a row anomalous. For mixed columns its slots are named (<c>SlotNames</c>)
    /// <c>Column</c> or <c>Column[i]</c>; for one real column they carry the input column's slot names, if it has them.</param>
    /// <param name="addPValueColumn">Add <see cref="PValueColumnName"/>, the conformal p-value of each row's score
    /// (<see cref="CalibrationScores.PValue"/>); needs <paramref name="calibration"/>.</param>
    public VaeAnomalyDetectionTransformer(VaeModel model, string inputColumnName, float threshold, CalibrationScores? calibration = null,
        VaeScoring? scoring = null, string? featureErrorColumnName = null, bool addPValueColumn = false)
        : base(model, inputColumnName)
    {
        if (float.IsNaN(threshold))
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The threshold must be a number.");
        if (addPValueColumn && calibration is null)
            throw new ArgumentException("A PValue column needs calibration scores.", nameof(addPValueColumn));
        CheckColumnNames(featureErrorColumnName, addPValueColumn);
        scoring ??= VaeScoring.For(model);
        scoring.Validate(model);
        Threshold = threshold;
        Calibration = calibration;
        Scoring = scoring;
        FeatureErrorColumnName = featureErrorColumnName;
        HasPValueColumn = addPValueColumn;
        var columns = new List<VaeOutputColumn>
        {
            VaeOutputColumn.Scalar(ScoreColumnName, VaeOutputs.Score),
            new ScoreMappedColumn<bool>(PredictedLabelColumnName, BooleanDataViewType.Instance, score => score > threshold),
        };
        if (addPValueColumn)
            columns.Add(new ScoreMappedColumn<float>(PValueColumnName, NumberDataViewType.Single, calibration!.PValue));
        if (featureErrorColumnName != null)
            // Named slots tell which feature made a row anomalous: the model's columns for mixed columns, and the input's
            // own slot names (a Concatenate's columns) for one real column, whose errors are its slots one for one.
            columns.Add(model.InputLayout.IsSingleReal
                ? VaeOutputColumn.VectorNamedAs(featureErrorColumnName, VaeOutputs.FeatureError, model.InputLayout.Features, inputColumnName)
                : VaeOutputColumn.Vector(featureErrorColumnName, VaeOutputs.FeatureError, model.InputLayout.Features, model.InputLayout.SlotNames(inputColumnName)));
        _outputColumns = columns.ToArray();
    }

    /// <summary>Rows whose score is above the threshold get <c>PredictedLabel</c> = true.</summary>
    public float Threshold { get; }

    /// <summary>
    /// The calibration scores: scores of normal rows that the model did not learn from, which set the threshold when
    /// it was trained. Null for a detector built without them (then only <see cref="WithThreshold"/> changes it).
    /// </summary>
    public CalibrationScores? Calibration { get; }

    /// <summary>How the score is computed.</summary>
    public VaeScoring Scoring { get; }

    /// <summary>The per-feature reconstruction-error column, if requested.</summary>
    public string? FeatureErrorColumnName { get; }

    /// <summary>Whether the detector adds the <see cref="PValueColumnName"/> column.</summary>
    public bool HasPValueColumn { get; }

    internal override IReadOnlyList<VaeOutputColumn> OutputColumns => _outputColumns;

    /// <summary>Throws when the per-feature errors would take the name of a column the detector adds itself; the trainer checks its options with it before training.</summary>
    internal static void CheckColumnNames(string? featureErrorColumnName, bool addPValueColumn) =>
        AddedColumnNames.CheckDistinct((ScoreColumnName, ScoreColumnName), (PredictedLabelColumnName, PredictedLabelColumnName),
            (PValueColumnName, addPValueColumn ? PValueColumnName : null), (nameof(FeatureErrorColumnName), featureErrorColumnName));

    internal override VaeScoring GraphScoring => Scoring;

    internal override (byte[] Graph, string[] Columns) SavedGraph()
    {
        var metadata = new Dictionary<string, string>
        {
            [VaeOnnxMetadata.Kind] = VaeOnnxMetadata.AnomalyKind,
            [VaeOnnxMetadata.Threshold] = VaeOnnxMetadata.FormatFloats([Threshold]),
        };
        if (Calibration != null)
            metadata[VaeOnnxMetadata.CalibrationScores] = VaeOnnxMetadata.FormatFloats(Calibration.Values);
        if (HasPValueColumn)
            metadata[VaeOnnxMetadata.PValueColumn] = PValueColumnName;
        VaeOnnxMetadata.DescribeScoring(Scoring, metadata);
        var outputs = new List<(string, string)> { (VaeOnnxGraph.Score, ScoreColumnName) };
        if (FeatureErrorColumnName != null)
        {
            outputs.Add((VaeOnnxGraph.FeatureError, FeatureErrorColumnName));
            metadata[VaeOnnxMetadata.FeatureErrorColumn] = FeatureErrorColumnName;
        }
        return ScoringGraph(outputs, (PredictedLabelColumnName, Threshold), metadata, PValueOutput(PValueColumnName));
    }

    /// <summary>The p-value output of a graph, under <paramref name="name"/>, if the detector has one.</summary>
    private (string, CalibrationScores)? PValueOutput(string name) => HasPValueColumn ? (name, Calibration!) : null;

    private protected override ITransformer ToSaveable(MLContext ml)
    {
        var onnx = ToOnnxTransformer(ml);
        var onnxOutput = onnx.Transform(EmptyInput(ml));
        var glue = ml.Transforms.CustomMapping<AnomalyColumnsMapping.OnnxColumns, AnomalyColumnsMapping.Columns>(
            AnomalyColumnsMapping.Map, AnomalyColumnsMapping.ContractName).Fit(onnxOutput);
        if (!HasPValueColumn)
            return new TransformerChain<ITransformer>(onnx, glue);
        var pValueGlue = ml.Transforms.CustomMapping<PValueColumnMapping.OnnxColumn, PValueColumnMapping.Column>(
            PValueColumnMapping.Map, PValueColumnMapping.ContractName).Fit(glue.Transform(onnxOutput));
        return new TransformerChain<ITransformer>(onnx, glue, pValueGlue);
    }

    /// <summary>
    /// Writes the detector as an ONNX file: the outputs of <see cref="VaeModelOnnxExtensions"/> plus
    /// <c>predicted_label</c>, Boolean [N], true where <c>score</c> is above <see cref="Threshold"/> (or NaN, a row the
    /// graph cannot score, unless the threshold is +∞), and, if the
    /// detector adds p-values, <c>p_value</c>, Single [N]. The threshold is also in the file's metadata,
    /// <c>vae_mlnet.threshold</c> (the float in round-trip form, <c>Infinity</c> for +∞), so that a host can read what its
    /// labels mean without this library.
    /// </summary>
    public void ExportOnnx(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var bytes = VaeOnnxGraph.Build(Model, new VaeGraphOptions
        {
            Label = (VaeOnnxGraph.PredictedLabel, Threshold), PValue = PValueOutput(VaeOnnxGraph.PValueOutput), Scoring = Scoring,
            KeysAsZeroBlocks = !Model.InputLayout.IsSingleReal, Metadata = ThresholdMetadata(),
        });
        AtomicFile.Write(path, file => file.Write(bytes));
    }

    /// <summary>The metadata entry that names the threshold <c>predicted_label</c> compares the score with, for an exported file.</summary>
    internal Dictionary<string, string> ThresholdMetadata() => new() { [VaeOnnxMetadata.Threshold] = VaeOnnxMetadata.FormatFloats([Threshold]) };

    /// <summary>The same model with another threshold; no retraining.</summary>
    public VaeAnomalyDetectionTransformer WithThreshold(float threshold) =>
        new(Model, InputColumnName, threshold, Calibration, Scoring, FeatureErrorColumnName, HasPValueColumn);

    /// <summary>
    /// The same model with the calibrated threshold for a false-alarm rate <paramref name="contamination"/>
    /// (<see cref="CalibrationScores.ThresholdFor"/>): a new normal row is flagged with probability at most that.
    /// Below <see cref="CalibrationScores.SmallestFalseAlarmRate"/>, 1/(n + 1), the threshold is +∞ and no row is
    /// flagged; 1 flags every row.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="contamination"/> is not in [0, 1] (NaN included).</exception>
    /// <exception cref="InvalidOperationException">The detector has no calibration scores.</exception>
    public VaeAnomalyDetectionTransformer WithContamination(double contamination)
    {
        var calibration = Calibration
            ?? throw new InvalidOperationException("This detector has no calibration scores (it was built without them, or saved by a version before 0.2); set a threshold with WithThreshold.");
        return WithThreshold(calibration.ThresholdFor(contamination));
    }
}
