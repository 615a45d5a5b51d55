namespace Vae.MLNet;

/// <summary>
/// A trained variational autoencoder: the encoder q(z|x) = N(μ(x), diag σ²(x)) and the decoder p(x|z), as plain
/// weights. It needs no TorchSharp: scoring runs through ONNX Runtime on the graph that <see cref="VaeOnnxGraph"/>
/// builds from these weights. Immutable, as its layers and codes are: it keeps a copy of the output log-variances
/// and hands out read-only views.
/// </summary>
/// <remarks>
/// Encoder: x → [hidden layer → activation]* → (<see cref="MeanLayer"/>, <see cref="LogVarianceLayer"/>); with
/// <see cref="VaeMissingValues.Model"/>, x is the features with missing cells set to 0 followed by their mask (1 = observed).
/// Decoder: z → [hidden layer → activation]* → <see cref="OutputLayer"/> (the mean for a Gaussian likelihood,
/// logits for a Bernoulli one).
/// </remarks>
public sealed class VaeModel
{
    /// <summary>
    /// Assembles a model from trained layers, checking that their sizes chain (and that <paramref name="inputLayout"/>,
    /// if given, has as many cells as the decoder reconstructs, and <paramref name="minorComponents"/> as many features).
    /// </summary>
    public VaeModel(
        VaeActivation activation,
        VaeLikelihood likelihood,
        IReadOnlyList<DenseLayer> encoderLayers,
        DenseLayer meanLayer,
        DenseLayer logVarianceLayer,
        IReadOnlyList<DenseLayer> decoderLayers,
        DenseLayer outputLayer,
        IReadOnlyList<float> outputLogVariance,
        LatentCodes? trainingCodes = null,
        VaeMissingValues missingValues = VaeMissingValues.Error,
        VaeInputLayout? inputLayout = null,
        MinorComponents? minorComponents = null)
    {
        ArgumentNullException.ThrowIfNull(encoderLayers);
        ArgumentNullException.ThrowIfNull(meanLayer);
        ArgumentNullException.ThrowIfNull(logVarianceLayer);
        ArgumentNullException.ThrowIfNull(decoderLayers);
        ArgumentNullException.ThrowIfNull(outputLayer);
        ArgumentNullException.ThrowIfNull(outputLogVariance);

        if (!Enum.IsDefined(missingValues))
            throw new ArgumentOutOfRangeException(nameof(missingValues), missingValues, "Unknown missing-value handling.");
        int encoderInputSize = encoderLayers.Count > 0 ? encoderLayers[0].InputSize : meanLayer.InputSize;
        CheckChain("encoder", encoderInputSize, encoderLayers, meanLayer);
        CheckChain("encoder", encoderInputSize, encoderLayers, logVarianceLayer);
        // A model of missing values reads the features and their mask side by side.
        int inputDimension = missingValues == VaeMissingValues.Model ? encoderInputSize / 2 : encoderInputSize;
        if (missingValues == VaeMissingValues.Model && encoderInputSize % 2 != 0)
            throw new ArgumentException($"A model of missing values reads the features and their mask, an even number of inputs; its encoder reads {encoderInputSize}.");
        if (meanLayer.OutputSize != logVarianceLayer.OutputSize)
            throw new ArgumentException($"The mean layer has {meanLayer.OutputSize} outputs but the log-variance layer has {logVarianceLayer.OutputSize}.");
        int latentDimension = meanLayer.OutputSize;
        CheckChain("decoder", latentDimension, decoderLayers, outputLayer);
        if (outputLayer.OutputSize != inputDimension)
            throw new ArgumentException($"The decoder reconstructs {outputLayer.OutputSize} features but the encoder reads {inputDimension}" +
                (missingValues == VaeMissingValues.Model ? " (and their mask)." : "."));
        int expectedVariances = likelihood == VaeLikelihood.Gaussian ? inputDimension : 0;
        if (outputLogVariance.Count != expectedVariances)
            throw new ArgumentException($"A {likelihood} likelihood needs {expectedVariances} output log-variances, got {outputLogVariance.Count}.", nameof(outputLogVariance));
        if (inputLayout != null && inputLayout.Cells != inputDimension)
            throw new ArgumentException($"The input columns ({inputLayout}) make {inputLayout.Cells} model cells a row, but the decoder reconstructs {inputDimension}.", nameof(inputLayout));
        if (trainingCodes != null && trainingCodes.LatentDimension != latentDimension)
            throw new ArgumentException($"The training codes have {trainingCodes.LatentDimension} dimensions but the latent space has {latentDimension}.", nameof(trainingCodes));

        if (minorComponents != null)
        {
            // The term was measured on one real column of complete rows under a Gaussian likelihood; a masked or
            // one-hot cell has no covariance that means the same.
            if (missingValues != VaeMissingValues.Error || likelihood != VaeLikelihood.Gaussian || !(inputLayout?.IsSingleReal ?? true))
                throw new ArgumentException("Minor components belong to a Gaussian model of one real column that refuses missing values.", nameof(minorComponents));
            if (minorComponents.Dimension != inputDimension)
                throw new ArgumentException($"The minor components have {minorComponents.Dimension} features but the model reads {inputDimension}.", nameof(minorComponents));
        }

        Activation = activation;
        Likelihood = likelihood;
        EncoderLayers = Array.AsReadOnly(encoderLayers.ToArray());
        MeanLayer = meanLayer;
        LogVarianceLayer = logVarianceLayer;
        DecoderLayers = Array.AsReadOnly(decoderLayers.ToArray());
        OutputLayer = outputLayer;
        OutputLogVariance = Array.AsReadOnly(outputLogVariance.ToArray());
        TrainingCodes = trainingCodes;
        MinorComponents = minorComponents;
        MissingValues = missingValues;
        InputDimension = inputDimension;
        InputLayout = inputLayout ?? VaeInputLayout.Real(inputDimension);
        LatentDimension = latentDimension;
    }

    /// <summary>
    /// Number of model-space input cells D (W): the features of a model of one real column; for mixed columns, one
    /// cell per real or Boolean slot and K one-hot cells per key slot of K categories (<see cref="InputLayout"/>).
    /// </summary>
    public int InputDimension { get; }

    /// <summary>
    /// The columns the model reads and the likelihood of each (<see cref="VaeInputLayout"/>); one <see cref="VaeInputKind.Real"/>
    /// column of <see cref="InputDimension"/> slots for a model built without a layout.
    /// </summary>
    public VaeInputLayout InputLayout { get; }

    /// <summary>Number of latent dimensions k.</summary>
    public int LatentDimension { get; }

    /// <summary>
    /// What the model does with NaN features: refuses them (<see cref="VaeMissingValues.Error"/>), or treats them as
    /// missing cells, its encoder then reading 2·<see cref="InputDimension"/> values (<see cref="VaeMissingValues.Model"/>).
    /// </summary>
    public VaeMissingValues MissingValues { get; }

    /// <summary>The non-linearity after every hidden layer.</summary>
    public VaeActivation Activation { get; }

    /// <summary>The decoder's distribution p(x|z).</summary>
    public VaeLikelihood Likelihood { get; }

    /// <summary>The encoder's hidden layers, input first; each is followed by <see cref="Activation"/>.</summary>
    public IReadOnlyList<DenseLayer> EncoderLayers { get; }

    /// <summary>The encoder head that outputs the posterior mean μ.</summary>
    public DenseLayer MeanLayer { get; }

    /// <summary>The encoder head that outputs the posterior log-variance log σ².</summary>
    public DenseLayer LogVarianceLayer { get; }

    /// <summary>The decoder's hidden layers, latent side first; each is followed by <see cref="Activation"/>.</summary>
    public IReadOnlyList<DenseLayer> DecoderLayers { get; }

    /// <summary>The decoder's last layer: the Gaussian mean, or the Bernoulli logits.</summary>
    public DenseLayer OutputLayer { get; }

    /// <summary>
    /// Per-feature log σ²ⱼ of the Gaussian likelihood (zeros when the variance is fixed at 1); empty for Bernoulli.
    /// </summary>
    public IReadOnlyList<float> OutputLogVariance { get; }

    /// <summary>
    /// The posteriors of a sample of training rows, which <see cref="VaeScoreKind.AggregatePosterior"/> scores against;
    /// null for a model built without them.
    /// </summary>
    public LatentCodes? TrainingCodes { get; }

    /// <summary>
    /// The minor principal components of the training rows, whose Mahalanobis term the
    /// <see cref="VaeScoreKind.AggregatePosterior"/> score adds (<see cref="VaeScoring.MinorComponentWeight"/>); null
    /// for a model built without them, a model of missing values or mixed columns, and files written before them.
    /// </summary>
    public MinorComponents? MinorComponents { get; }

    private static void CheckChain(string part, int inputSize, IReadOnlyList<DenseLayer> hidden, DenseLayer head)
    {
        int size = inputSize;
        foreach (var layer in hidden.Append(head))
        {
            if (layer.InputSize != size)
                throw new ArgumentException($"The {part} layer after size {size} expects {layer.InputSize} inputs.");
            size = layer.OutputSize;
        }
    }
}
