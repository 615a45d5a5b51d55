namespace Vae.MLNet;

/// <summary>
/// Translates a <see cref="VaeModel"/> into an ONNX graph that encodes a batch, decodes the posterior mean and scores
/// every row, so that ONNX Runtime does all the arithmetic of inference.
/// </summary>
internal static class VaeOnnxGraph
{
    public const string Features = "features";
    public const string LatentMean = "latent_mean";
    public const string LatentLogVariance = "latent_log_variance";
    public const string Reconstruction = "reconstruction";
    public const string FeatureError = "feature_error";
    public const string ReconstructionError = "reconstruction_error";
    public const string KlDivergence = "kl_divergence";
    public const string Score = "score";
    public const string PredictedLabel = "predicted_label";
    public const string PValueOutput = "p_value";
    public const string Latent = "latent";

    /// <summary>The symbolic name of the leading (row) dimension of every input and output.</summary>
    public const string BatchDimension = "N";

    /// <summary>The outputs a graph exposes by default: every value under its own name.</summary>
    public static readonly IReadOnlyList<(string Output, string Name)> AllOutputs =
    [
        (LatentMean, LatentMean), (LatentLogVariance, LatentLogVariance), (Reconstruction, Reconstruction),
        (FeatureError, FeatureError), (ReconstructionError, ReconstructionError), (KlDivergence, KlDivergence), (Score, Score),
    ];

    /// <summary>Features are clamped to ±1e8 before scoring, so that no finite input overflows the score.</summary>
    public const float FeatureBound = 1e8f;

    /// <summary>The posterior log-variance is clamped to ±30 (σ² from 1e-13 to 1e13), so that exp(log σ²) stays finite.</summary>
    public const float LogVarianceBound = 30f;

    /// <summary>The ONNX opset of every graph this library writes.</summary>
    internal const long OpsetVersion = 17;

    // IR 8 is the version that introduced opset 17; ONNX Runtime 1.31 loads it, and older runtimes that know opset 17 do too.
    internal const long IrVersion = 8;

    private static readonly double LogTwoPi = Math.Log(2 * Math.PI);

    /// <summary>
    /// Builds the scoring graph of <paramref name="model"/>, as a serialized ONNX ModelProto, as <paramref name="options"/> asks: the input's name, which outputs are exposed and
    /// under which names (ML.NET's OnnxTransformer names columns after graph outputs), an optional Boolean label,
    /// the score, and whether it reads batches [N, D] or one row [D]. Every graph carries the model's description in
    /// its metadata, so <see cref="VaeOnnxReader"/> can rebuild the model.
    /// </summary>
    public static byte[] Build(VaeModel model, VaeGraphOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        int d = model.InputDimension;
        int k = model.LatentDimension;
        var graph = new OnnxGraphBuilder("vae", options.PerRow ? null : BatchDimension);

        // Inside, every value is a batch: a single row becomes a batch of one.
        string rows = options.PerRow ? PerRowInput(graph, options.InputName, d) : graph.AddInput(options.InputName, d);
        if (options.KeysAsZeroBlocks)
            rows = MarkMissingKeys(graph, model.InputLayout, rows);
        var features = ObservedFeatures.Add(graph, model, rows);
        var (mean, logVariance) = Encode(graph, model, features.EncoderInput, LatentMean, LatentLogVariance);

        // Decoding μ instead of a sampled z keeps reconstructions deterministic.
        string reconstructionError;
        if (!model.InputLayout.IsSingleReal)
            reconstructionError = MixedErrors(graph, model, features, mean);
        else if (features.CellWeight is not { } cellWeight)
        {
            string featureError = DecodeAndCompare(graph, model, mean, features.X, Reconstruction, FeatureError).FeatureError!;
            reconstructionError = SumOverColumns(graph, featureError, d, ReconstructionError);
        }
        else
        {
            string cellError = DecodeAndCompare(graph, model, mean, features.X, Reconstruction, null).FeatureError!;
            // A missing cell has no error: there is nothing to compare its reconstruction with.
            graph.AddNode("Where", [features.Missing!, graph.Scalar(float.NaN), cellError], output: FeatureError);
            reconstructionError = SumOverColumns(graph, graph.AddNode("Mul", [cellError, cellWeight]), d, ReconstructionError);
        }
        string klDivergence = KlDivergenceToPrior(graph, mean, logVariance, k);
        VaeScoreGraph.Add(graph, model, options.Scoring, features, mean, logVariance, reconstructionError, klDivergence, Score);

        var widths = new Dictionary<string, long[]>
        {
            [LatentMean] = [k], [LatentLogVariance] = [k], [Reconstruction] = [d], [FeatureError] = [model.InputLayout.Features],
            [ReconstructionError] = [], [KlDivergence] = [], [Score] = [],
        };
        foreach (var (output, name) in options.Outputs)
            graph.AddOutput(Expose(graph, output, name, options.PerRow), widths[output]);
        if (options.Label is var (labelName, threshold))
        {
            // A NaN score is flagged, as its p-value, 1/(n + 1), says: a row the graph cannot score (NaN or key 0 given
            // to a model of MissingValues = Error, as ML.NET's Model.Load lets through; a row with nothing observed) is
            // not a normal one. Not(score ≤ threshold) is Greater for every other score; an infinite threshold still
            // flags nothing.
            string thresholdValue = graph.AddInitializer("threshold", [threshold]);
            string label = float.IsPositiveInfinity(threshold) ? graph.AddNode("Greater", [Score, thresholdValue])
                : graph.AddNode("Not", [graph.AddNode("LessOrEqual", [Score, thresholdValue])]);
            graph.AddBooleanOutput(Expose(graph, label, labelName, options.PerRow));
        }
        if (options.PValue is var (pValueName, calibration))
            graph.AddOutput(Expose(graph, PValue(graph, calibration), pValueName, options.PerRow));
        foreach (var (key, value) in VaeOnnxMetadata.Describe(model).Concat(options.Metadata ?? new Dictionary<string, string>()))
            graph.SetMetadata(key, value);
        return graph.ToModelBytes(IrVersion, OpsetVersion, "Vae.MLNet");
    }

    /// <summary>
    /// The decoder alone: input <paramref name="inputName"/> [N, k] (or [k] <paramref name="perRow"/>), output
    /// <paramref name="outputName"/> [N, D] (the means, or probabilities for a Bernoulli likelihood).
    /// </summary>
    public static byte[] BuildDecoder(VaeModel model, string inputName = Latent, string outputName = Reconstruction,
        bool perRow = false, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        int k = model.LatentDimension;
        var graph = new OnnxGraphBuilder("vae_decoder", perRow ? null : BatchDimension);
        string z = perRow ? PerRowInput(graph, inputName, k) : graph.AddInput(inputName, k);
        string reconstruction = DecodeAndCompare(graph, model, z, null, null, null).Reconstruction;
        graph.AddOutput(Expose(graph, reconstruction, outputName, perRow), model.InputDimension);
        foreach (var (key, value) in VaeOnnxMetadata.Describe(model).Concat(metadata ?? new Dictionary<string, string>()))
            graph.SetMetadata(key, value);
        return graph.ToModelBytes(IrVersion, OpsetVersion, "Vae.MLNet");
    }

    /// <summary>
    /// Decodes <paramref name="z"/> into the reconstruction and, given the rows <paramref name="x"/>, the per-feature
    /// negative log-likelihood −log p(xⱼ|z). Returns (reconstruction, feature error or null). Called twice in one
    /// graph, the decoder's weights are stored once.
    /// </summary>
    internal static (string Reconstruction, string? FeatureError) DecodeAndCompare(OnnxGraphBuilder graph, VaeModel model,
        string z, string? x, string? reconstructionName, string? featureErrorName)
    {
        string decoded = HiddenLayers(graph, "decoder", z, model.DecoderLayers, model.Activation);
        if (!model.InputLayout.IsSingleReal)
            return DecodeAndCompareColumns(graph, model, Dense(graph, "output", decoded, model.OutputLayer), x, reconstructionName, featureErrorName);
        switch (model.Likelihood)
        {
            case VaeLikelihood.Gaussian:
                string mean = Dense(graph, "output", decoded, model.OutputLayer, reconstructionName);
                return (mean, x is null ? null : GaussianFeatureError(graph, x, mean, model.OutputLogVariance, featureErrorName));
            case VaeLikelihood.Bernoulli:
                string logits = Dense(graph, "output", decoded, model.OutputLayer);
                string probabilities = graph.AddNode("Sigmoid", [logits], output: reconstructionName);
                return (probabilities, x is null ? null : BernoulliFeatureError(graph, x, logits, featureErrorName));
            default:
                throw new ArgumentOutOfRangeException(nameof(model), model.Likelihood, "Unknown likelihood.");
        }
    }

    /// <summary>
    /// The errors of a model of mixed columns, from the posterior mean: the per-cell −log p(x|z) summed into one value
    /// per feature slot by a fixed [W, F] product (a key's K one-hot cells into its one slot), NaN for a missing slot,
    /// as <see cref="FeatureError"/>; returns the reconstruction term, the sum over the slots (weighted by
    /// <see cref="ObservedFeatures.CellWeight"/> when cells may be missing).
    /// </summary>
    private static string MixedErrors(OnnxGraphBuilder graph, VaeModel model, ObservedFeatures features, string mean)
    {
        var layout = model.InputLayout;
        string cellError = DecodeAndCompare(graph, model, mean, features.X, Reconstruction, null).FeatureError!;
        string toSlots = CellsToSlots(graph, layout);
        if (features.CellWeight is not { } cellWeight)
        {
            string slotError = graph.AddNode("MatMul", [cellError, toSlots], output: FeatureError);
            return SumOverColumns(graph, slotError, layout.Features, ReconstructionError);
        }
        // A missing cell adds nothing (its error is zeroed, not NaN, so that the product stays finite); a missing slot has no error.
        string observedError = graph.AddNode("MatMul", [graph.AddNode("Mul", [cellError, features.Observed!]), toSlots]);
        graph.AddNode("Where", [features.MissingSlots!, graph.Scalar(float.NaN), observedError], output: FeatureError);
        return SumOverColumns(graph, graph.AddNode("Mul", [cellError, cellWeight]), layout.Cells, ReconstructionError);
    }

    /// <summary>
    /// Model-space cells [N, W] from cells whose missing keys are blocks of 0 (as ML.NET's <c>KeyToVector</c> writes key 0)
    /// rather than NaN: each key slot whose K cells sum to 0 gets NaN in all of them. The sums are taken with NaN (a
    /// missing real value) read as 0, since in a product one NaN would spoil every sum of its row.
    /// </summary>
    internal static string MarkMissingKeys(OnnxGraphBuilder graph, VaeInputLayout layout, string cells)
    {
        var isKey = new float[layout.Cells];
        for (int i = 0; i < layout.Columns.Count; i++)
            if (layout.Columns[i].Kind == VaeInputKind.Categorical)
                Array.Fill(isKey, 1f, layout.CellOffset(i), layout.Columns[i].Cells);
        string finite = graph.AddNode("Where", [graph.AddNode("IsNaN", [cells]), graph.Scalar(0f), cells]);
        string slotSums = graph.AddNode("MatMul", [finite, CellsToSlots(graph, layout)]);
        string cellSlotSums = graph.AddNode("Gather", [slotSums, graph.AddInt64Initializer("slot_of_cells", layout.SlotOfCells().Select(s => (long)s).ToArray(), layout.Cells)],
            [OnnxGraphBuilder.IntAttribute("axis", 1)]);
        string missingKey = graph.AddNode("And", [graph.AddNode("Equal", [cellSlotSums, graph.Scalar(0f)]),
            graph.AddNode("Greater", [graph.AddInitializer("cell_is_key", isKey, layout.Cells), graph.Scalar(0f)])]);
        return graph.AddNode("Where", [missingKey, graph.Scalar(float.NaN), cells]);
    }

    /// <summary>The [W, F] matrix that sums each feature slot's model-space cells: 1 where cell w belongs to slot f.</summary>
    internal static string CellsToSlots(OnnxGraphBuilder graph, VaeInputLayout layout)
    {
        var slotOfCell = layout.SlotOfCells();
        var matrix = new float[layout.Cells * layout.Features];
        for (int cell = 0; cell < slotOfCell.Length; cell++)
            matrix[cell * layout.Features + slotOfCell[cell]] = 1f;
        return graph.AddInitializer("cells_to_slots", matrix, layout.Cells, layout.Features);
    }

    /// <summary>
    /// <see cref="DecodeAndCompare"/> for mixed columns, from the decoder's output <paramref name="output"/> [N, W], a
    /// column at a time: real cells as the model's likelihood says, Boolean cells Bernoulli (sigmoid probabilities),
    /// key slots a softmax over their K cells, whose error −Σₖ xₖ log pₖ lies on the observed category's cell (and is 0
    /// for a missing key, whose cells the graph set to 0).
    /// </summary>
    private static (string Reconstruction, string? FeatureError) DecodeAndCompareColumns(OnnxGraphBuilder graph, VaeModel model,
        string output, string? x, string? reconstructionName, string? featureErrorName)
    {
        var layout = model.InputLayout;
        var reconstructions = new List<string>();
        var errors = new List<string>();
        string axis = graph.AddInt64Initializer("axis_one", [1], 1);
        for (int i = 0; i < layout.Columns.Count; i++)
        {
            var column = layout.Columns[i];
            int start = layout.CellOffset(i), end = start + column.Cells;
            string Slice(string value) => graph.AddNode("Slice", [value, graph.AddInt64Initializer($"column_{i}_start", [start], 1),
                graph.AddInt64Initializer($"column_{i}_end", [end], 1), axis]);
            string decoded = Slice(output);
            string? observed = x is null ? null : Slice(x);
            switch (column.Kind)
            {
                case VaeInputKind.Real when model.Likelihood == VaeLikelihood.Gaussian:
                    reconstructions.Add(decoded);
                    if (observed is not null)
                        errors.Add(GaussianFeatureError(graph, observed, decoded, model.OutputLogVariance.Skip(start).Take(column.Cells).ToArray(), null, $".{i}"));
                    break;
                case VaeInputKind.Real or VaeInputKind.Binary:
                    reconstructions.Add(graph.AddNode("Sigmoid", [decoded]));
                    if (observed is not null)
                        errors.Add(BernoulliFeatureError(graph, observed, decoded, null));
                    break;
                default:
                    string blocks = graph.AddNode("Reshape", [decoded, graph.AddInt64Initializer($"column_{i}_blocks", [-1, column.Slots, column.Categories], 3)]);
                    string cells = graph.AddInt64Initializer($"column_{i}_cells", [-1, column.Cells], 2);
                    string softmax = graph.AddNode("Softmax", [blocks], [OnnxGraphBuilder.IntAttribute("axis", 2)]);
                    reconstructions.Add(graph.AddNode("Reshape", [softmax, cells]));
                    if (observed is not null)
                    {
                        string logSoftmax = graph.AddNode("LogSoftmax", [blocks], [OnnxGraphBuilder.IntAttribute("axis", 2)]);
                        errors.Add(graph.AddNode("Neg", [graph.AddNode("Mul", [observed, graph.AddNode("Reshape", [logSoftmax, cells])])]));
                    }
                    break;
            }
        }
        string reconstruction = graph.AddNode("Concat", [.. reconstructions], [OnnxGraphBuilder.IntAttribute("axis", 1)], reconstructionName);
        return (reconstruction, x is null ? null : graph.AddNode("Concat", [.. errors], [OnnxGraphBuilder.IntAttribute("axis", 1)], featureErrorName));
    }

    /// <summary>
    /// The encoder: the posterior mean and the clamped log-variance of <paramref name="encoderInput"/>
    /// (<see cref="ObservedFeatures.EncoderInput"/>), under the given names when they are graph outputs.
    /// </summary>
    internal static (string Mean, string LogVariance) Encode(OnnxGraphBuilder graph, VaeModel model, string encoderInput,
        string? meanName = null, string? logVarianceName = null)
    {
        string encoded = HiddenLayers(graph, "encoder", encoderInput, model.EncoderLayers, model.Activation);
        string mean = Dense(graph, "mean", encoded, model.MeanLayer, meanName);
        return (mean, ClampLogVariance(graph, Dense(graph, "log_variance", encoded, model.LogVarianceLayer), logVarianceName));
    }

    /// <summary>
    /// The input <paramref name="name"/> of a graph that ML.NET's OnnxTransformer runs one row at a time, as a batch of
    /// one, [1, <paramref name="width"/>]. It is declared [width], but a row of one value [1, 1]: OnnxTransformer feeds a
    /// Single column, and a vector of one slot, as a tensor of rank 2, which an input declared [1] refused ("Invalid
    /// rank for input"), so no model of one feature or decoder of one latent dimension scored after Model.Load.
    /// </summary>
    internal static string PerRowInput(OnnxGraphBuilder graph, string name, int width)
    {
        if (width == 1)
            return graph.AddInput(name, 1, 1);
        return graph.AddNode("Reshape", [graph.AddInput(name, width), graph.AddInt64Initializer("row_shape", [1, width], 2)]);
    }

    /// <summary>
    /// A graph output named <paramref name="name"/> for <paramref name="value"/>; for a one-row graph, flattened from
    /// the batch of one to [width], which ML.NET reads as a flat vector column.
    /// </summary>
    internal static string Expose(OnnxGraphBuilder graph, string value, string name, bool perRow)
    {
        if (perRow)
            return graph.AddNode("Reshape", [value, graph.AddInt64Initializer($"{name}_flat_shape", [-1], 1)], output: name);
        return name == value ? value : graph.AddNode("Identity", [value], output: name);
    }

    internal static string HiddenLayers(
        OnnxGraphBuilder graph, string prefix, string input, IReadOnlyList<DenseLayer> layers, VaeActivation activation)
    {
        string value = input;
        for (int i = 0; i < layers.Count; i++)
            value = Activate(graph, Dense(graph, $"{prefix}.{i}", value, layers[i]), activation);
        return value;
    }

    private static string Dense(OnnxGraphBuilder graph, string name, string input, DenseLayer layer, string? output = null)
    {
        // MatMul and Add rather than Gemm, which only takes matrices: the same graph then reads a batch [N, D] or a
        // single row [D]. ONNX Runtime fuses the pair into a Gemm for batches. The weight is stored transposed, [in, out].
        string weight = graph.AddInitializer($"{name}.weight", Transpose(layer.Weight, layer.OutputSize, layer.InputSize), layer.InputSize, layer.OutputSize);
        string bias = graph.AddInitializer($"{name}.bias", layer.Bias, layer.OutputSize);
        return graph.AddNode("Add", [graph.AddNode("MatMul", [input, weight]), bias], output: output);
    }

    private static string Activate(OnnxGraphBuilder graph, string x, VaeActivation activation) => activation switch
    {
        VaeActivation.Relu => graph.AddNode("Relu", [x]),
        VaeActivation.Tanh => graph.AddNode("Tanh", [x]),
        VaeActivation.Elu => graph.AddNode("Elu", [x], [OnnxGraphBuilder.FloatAttribute("alpha", 1f)]),
        VaeActivation.LeakyRelu => graph.AddNode("LeakyRelu", [x], [OnnxGraphBuilder.FloatAttribute("alpha", 0.01f)]),
        // Standard ONNX has no SiLU operator before opset 24.
        VaeActivation.Silu => graph.AddNode("Mul", [x, graph.AddNode("Sigmoid", [x])]),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation."),
    };

    /// <summary>½[(xⱼ − x̂ⱼ)²·exp(−sⱼ) + sⱼ + log 2π] per feature, with sⱼ the learned output log-variance.</summary>
    private static string GaussianFeatureError(OnnxGraphBuilder graph, string x, string reconstruction, IReadOnlyList<float> logVariance, string? output,
        string suffix = "")
    {
        // sⱼ is fixed after training, so both per-feature factors are folded here, in double, rather than in the graph.
        int d = logVariance.Count;
        var halfInverseVariance = new float[d];
        var halfLogNormalizer = new float[d];
        for (int j = 0; j < d; j++)
        {
            halfInverseVariance[j] = (float)(0.5 * Math.Exp(-logVariance[j]));
            halfLogNormalizer[j] = (float)(0.5 * (logVariance[j] + LogTwoPi));
        }

        string residual = graph.AddNode("Sub", [x, reconstruction]);
        string squared = graph.AddNode("Mul", [residual, residual]);
        string scaled = graph.AddNode("Mul", [squared, graph.AddInitializer($"half_inverse_variance{suffix}", halfInverseVariance, d)]);
        return graph.AddNode("Add", [scaled, graph.AddInitializer($"half_log_normalizer{suffix}", halfLogNormalizer, d)], output: output);
    }

    /// <summary>softplus(lⱼ) − xⱼ·lⱼ per feature, with softplus written as max(l, 0) + log(1 + exp(−|l|)).</summary>
    private static string BernoulliFeatureError(OnnxGraphBuilder graph, string x, string logits, string? output)
    {
        // The rewritten softplus never exponentiates a positive number, so large logits cannot overflow to infinity.
        string positivePart = graph.AddNode("Relu", [logits]);
        string negativeMagnitude = graph.AddNode("Neg", [graph.AddNode("Abs", [logits])]);
        string logOnePlusExp = graph.AddNode("Softplus", [negativeMagnitude]);
        string softplus = graph.AddNode("Add", [positivePart, logOnePlusExp]);
        return graph.AddNode("Sub", [softplus, graph.AddNode("Mul", [x, logits])], output: output);
    }

    /// <summary>KL(N(μ, diag exp(lv)) ‖ N(0, I)) = ½ Σₖ (exp(lv) + μ² − 1 − lv), the negated usual form.</summary>
    private static string KlDivergenceToPrior(OnnxGraphBuilder graph, string mean, string logVariance, int k)
    {
        string variancePlusSquaredMean = graph.AddNode("Add", [graph.AddNode("Exp", [logVariance]), graph.AddNode("Mul", [mean, mean])]);
        string onePlusLogVariance = graph.AddNode("Add", [logVariance, graph.Scalar(1f)]);
        string terms = graph.AddNode("Sub", [variancePlusSquaredMean, onePlusLogVariance]);
        string sum = SumOverColumns(graph, terms, k);
        return graph.AddNode("Mul", [sum, graph.Scalar(0.5f)], output: KlDivergence);
    }

    /// <summary>
    /// (1 + #{calibration scores ≥ score}) / (n + 1) for each row: a comparison of the [N, 1] scores with the [n]
    /// calibration scores, counted by <see cref="SumOverColumns"/>. Counts up to n ≤ 10,000 are exact in float.
    /// </summary>
    private static string PValue(OnnxGraphBuilder graph, CalibrationScores calibration)
    {
        int n = calibration.Count;
        string column = graph.AddNode("Reshape", [Score, graph.AddInt64Initializer("column_shape", [-1, 1], 2)]);
        string atOrAbove = graph.AddNode("Cast", [graph.AddNode("GreaterOrEqual", [graph.AddInitializer("calibration_scores", [.. calibration.Values], n), column])],
            [OnnxGraphBuilder.IntAttribute("to", (long)global::Onnx.TensorProto.Types.DataType.Float)]);
        string count = SumOverColumns(graph, atOrAbove, n);
        return graph.AddNode("Mul", [graph.AddNode("Add", [count, graph.Scalar(1f)]), graph.Scalar((float)(1.0 / (n + 1)))]);
    }

    /// <summary>A log-variance clamped to ±<see cref="LogVarianceBound"/>.</summary>
    internal static string ClampLogVariance(OnnxGraphBuilder graph, string logVariance, string? output = null) =>
        graph.AddNode("Clip", [logVariance, graph.Scalar(-LogVarianceBound), graph.Scalar(LogVarianceBound)], output: output);

    /// <summary>Sums each row of a [N, <paramref name="columns"/>] value into a [N] value.</summary>
    /// <remarks>
    /// A product with a vector of ones rather than ReduceSum: with ONNX Runtime 1.31, ReduceSum's row sums varied in the
    /// last bit between identical runs once concurrent runs shared the thread pool, while MatMul's do not.
    /// </remarks>
    internal static string SumOverColumns(OnnxGraphBuilder graph, string value, int columns, string? output = null) =>
        // Ones as a [columns, 1] matrix and a reshape to [-1], so that a single row sums to [1], not to a rank-0
        // scalar, which ML.NET cannot read (dotnet/machinelearning#7225).
        graph.AddNode("Reshape", [graph.AddNode("MatMul", [value, graph.OnesColumn(columns)]), graph.FlatShape()], output: output);

    /// <summary>log Σ exp over each row of a [N, <paramref name="columns"/>] value, as a [N] value.</summary>
    internal static string LogSumExpOverColumns(OnnxGraphBuilder graph, string value, int columns)
    {
        // Shifted by the row's largest value, so that exp cannot overflow and the largest term is exactly 1; and kept
        // above −80, so that exp cannot underflow into subnormal floats, which x86 computes on a slow path (for the
        // aggregate posterior's thousand terms a row, a third of the speed). Terms below e^−80 change no sum that has a 1.
        string largest = graph.AddNode("ReduceMax", [value], [OnnxGraphBuilder.IntsAttribute("axes", 1), OnnxGraphBuilder.IntAttribute("keepdims", 1)]);
        string shifted = graph.AddNode("Max", [graph.AddNode("Sub", [value, largest]), graph.Scalar(-80f)]);
        string sum = SumOverColumns(graph, graph.AddNode("Exp", [shifted]), columns);
        return graph.AddNode("Add", [graph.AddNode("Log", [sum]), graph.AddNode("Reshape", [largest, graph.FlatShape()])]);
    }

    /// <summary>The [columns, rows] transpose of a row-major [rows, columns] matrix.</summary>
    internal static float[] Transpose(IReadOnlyList<float> matrix, int rows, int columns)
    {
        var transposed = new float[matrix.Count];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++)
                transposed[c * rows + r] = matrix[r * columns + c];
        return transposed;
    }
}
