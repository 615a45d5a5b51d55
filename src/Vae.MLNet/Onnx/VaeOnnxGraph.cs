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

    /// <summary>The symbolic name of the leading (row) dimension of every input and output.</summary>
    public const string BatchDimension = "N";

    /// <summary>The exposed outputs of <see cref="Build(VaeModel)"/>: every value under its own name.</summary>
    public static readonly IReadOnlyList<(string Output, string Name)> AllOutputs =
    [
        (LatentMean, LatentMean), (LatentLogVariance, LatentLogVariance), (Reconstruction, Reconstruction),
        (FeatureError, FeatureError), (ReconstructionError, ReconstructionError), (KlDivergence, KlDivergence), (Score, Score),
    ];

    private const long OpsetVersion = 17;

    // IR 8 is the version that introduced opset 17; ONNX Runtime 1.31 loads it, and older runtimes that know opset 17 do too.
    private const long IrVersion = 8;

    private static readonly double LogTwoPi = Math.Log(2 * Math.PI);

    /// <summary>Builds the scoring graph of <paramref name="model"/> and returns it as a serialized ONNX ModelProto.</summary>
    public static byte[] Build(VaeModel model) => Build(model, Features, AllOutputs);

    /// <summary>
    /// Builds the scoring graph with the input named <paramref name="inputName"/> and only <paramref name="outputs"/>
    /// exposed, each under its new name (as ML.NET's OnnxTransformer names columns after graph outputs). With a
    /// <paramref name="label"/>, a Boolean output flags the rows whose score is above the threshold. With
    /// <paramref name="perRow"/>, the graph reads one row, [D], as ML.NET's OnnxTransformer feeds it, so that its
    /// outputs become flat vector columns ([k], and [1] for a per-row scalar). Every graph carries the model's
    /// description in its metadata, so <see cref="VaeOnnxReader"/> can rebuild the model.
    /// </summary>
    public static byte[] Build(VaeModel model, string inputName, IReadOnlyList<(string Output, string Name)> outputs,
        (string Name, float Threshold)? label = null, IReadOnlyDictionary<string, string>? metadata = null, bool perRow = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        int d = model.InputDimension;
        int k = model.LatentDimension;
        var graph = new OnnxGraphBuilder("vae", perRow ? null : BatchDimension);

        string x = graph.AddInput(inputName, d);
        string encoded = HiddenLayers(graph, "encoder", x, model.EncoderLayers, model.Activation);
        string mean = Dense(graph, "mean", encoded, model.MeanLayer, LatentMean);
        string logVariance = Dense(graph, "log_variance", encoded, model.LogVarianceLayer, LatentLogVariance);

        // Decoding μ instead of a sampled z keeps reconstructions and scores deterministic.
        string decoded = HiddenLayers(graph, "decoder", mean, model.DecoderLayers, model.Activation);
        string featureError;
        switch (model.Likelihood)
        {
            case VaeLikelihood.Gaussian:
                string reconstruction = Dense(graph, "output", decoded, model.OutputLayer, Reconstruction);
                featureError = GaussianFeatureError(graph, x, reconstruction, model.OutputLogVariance);
                break;
            case VaeLikelihood.Bernoulli:
                string logits = Dense(graph, "output", decoded, model.OutputLayer);
                graph.AddNode("Sigmoid", [logits], output: Reconstruction);
                featureError = BernoulliFeatureError(graph, x, logits);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(model), model.Likelihood, "Unknown likelihood.");
        }

        string reconstructionError = SumOverColumns(graph, featureError, "feature_ones", d, ReconstructionError);
        string klDivergence = KlDivergenceToPrior(graph, mean, logVariance, k);
        graph.AddNode("Add", [reconstructionError, klDivergence], output: Score);

        var widths = new Dictionary<string, long[]>
        {
            [LatentMean] = [k], [LatentLogVariance] = [k], [Reconstruction] = [d], [FeatureError] = [d],
            [ReconstructionError] = [], [KlDivergence] = [], [Score] = [],
        };
        foreach (var (output, name) in outputs)
            graph.AddOutput(name == output ? output : graph.AddNode("Identity", [output], output: name), widths[output]);
        if (label is var (labelName, threshold))
        {
            graph.AddNode("Greater", [Score, graph.AddInitializer("threshold", [threshold])], output: labelName);
            graph.AddBooleanOutput(labelName);
        }
        foreach (var (key, value) in VaeOnnxMetadata.Describe(model).Concat(metadata ?? new Dictionary<string, string>()))
            graph.SetMetadata(key, value);
        return graph.ToModelBytes(IrVersion, OpsetVersion, "Vae.MLNet");
    }

    private static string HiddenLayers(
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
    private static string GaussianFeatureError(OnnxGraphBuilder graph, string x, string reconstruction, float[] logVariance)
    {
        // sⱼ is fixed after training, so both per-feature factors are folded here, in double, rather than in the graph.
        int d = logVariance.Length;
        var halfInverseVariance = new float[d];
        var halfLogNormalizer = new float[d];
        for (int j = 0; j < d; j++)
        {
            halfInverseVariance[j] = (float)(0.5 * Math.Exp(-logVariance[j]));
            halfLogNormalizer[j] = (float)(0.5 * (logVariance[j] + LogTwoPi));
        }

        string residual = graph.AddNode("Sub", [x, reconstruction]);
        string squared = graph.AddNode("Mul", [residual, residual]);
        string scaled = graph.AddNode("Mul", [squared, graph.AddInitializer("half_inverse_variance", halfInverseVariance, d)]);
        return graph.AddNode("Add", [scaled, graph.AddInitializer("half_log_normalizer", halfLogNormalizer, d)], output: FeatureError);
    }

    /// <summary>softplus(lⱼ) − xⱼ·lⱼ per feature, with softplus written as max(l, 0) + log(1 + exp(−|l|)).</summary>
    private static string BernoulliFeatureError(OnnxGraphBuilder graph, string x, string logits)
    {
        // The rewritten softplus never exponentiates a positive number, so large logits cannot overflow to infinity.
        string positivePart = graph.AddNode("Relu", [logits]);
        string negativeMagnitude = graph.AddNode("Neg", [graph.AddNode("Abs", [logits])]);
        string logOnePlusExp = graph.AddNode("Softplus", [negativeMagnitude]);
        string softplus = graph.AddNode("Add", [positivePart, logOnePlusExp]);
        return graph.AddNode("Sub", [softplus, graph.AddNode("Mul", [x, logits])], output: FeatureError);
    }

    /// <summary>KL(N(μ, diag exp(lv)) ‖ N(0, I)) = ½ Σₖ (exp(lv) + μ² − 1 − lv), the negated usual form.</summary>
    private static string KlDivergenceToPrior(OnnxGraphBuilder graph, string mean, string logVariance, int k)
    {
        string variancePlusSquaredMean = graph.AddNode("Add", [graph.AddNode("Exp", [logVariance]), graph.AddNode("Mul", [mean, mean])]);
        string onePlusLogVariance = graph.AddNode("Add", [logVariance, graph.AddInitializer("one", [1f])]);
        string terms = graph.AddNode("Sub", [variancePlusSquaredMean, onePlusLogVariance]);
        string sum = SumOverColumns(graph, terms, "latent_ones", k);
        return graph.AddNode("Mul", [sum, graph.AddInitializer("half", [0.5f])], output: KlDivergence);
    }

    /// <summary>Sums each row of a [N, <paramref name="columns"/>] value into a [N] value.</summary>
    /// <remarks>
    /// A product with a vector of ones rather than ReduceSum: with ONNX Runtime 1.31, ReduceSum's row sums varied in the
    /// last bit between identical runs once concurrent runs shared the thread pool, while MatMul's do not.
    /// </remarks>
    private static string SumOverColumns(OnnxGraphBuilder graph, string value, string onesName, int columns, string? output = null)
    {
        // Ones as a [columns, 1] matrix and a reshape to [-1], so that a single row sums to [1], not to a rank-0
        // scalar, which ML.NET cannot read (dotnet/machinelearning#7225).
        string ones = graph.AddInitializer(onesName, Enumerable.Repeat(1f, columns).ToArray(), columns, 1);
        string flat = graph.AddInt64Initializer($"{onesName}_flat", [-1], 1);
        return graph.AddNode("Reshape", [graph.AddNode("MatMul", [value, ones]), flat], output: output);
    }

    /// <summary>The [columns, rows] transpose of a row-major [rows, columns] matrix.</summary>
    internal static float[] Transpose(float[] matrix, int rows, int columns)
    {
        var transposed = new float[matrix.Length];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++)
                transposed[c * rows + r] = matrix[r * columns + c];
        return transposed;
    }
}
