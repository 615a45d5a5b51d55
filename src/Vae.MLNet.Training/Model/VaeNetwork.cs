using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Vae.MLNet.Training;

/// <summary>
/// The TorchSharp VAE: an MLP encoder to (μ, log σ²), the reparameterized draw z = μ + σ ⊙ ε, and an MLP decoder.
/// Every random draw (initial weights, ε) comes from a generator the caller passes, never from TorchSharp's global
/// one, so that runs in one process neither serialize nor disturb each other.
/// </summary>
internal sealed class VaeNetwork : nn.Module<Tensor, VaeForward>
{
    private readonly VaeActivation _activation;
    private readonly VaeLikelihood _likelihood;
    private readonly Sequential _encoder;
    private readonly Linear _mean;
    private readonly Linear _logVariance;
    private readonly Sequential _decoder;
    private readonly Linear _output;
    private readonly Parameter? _outputLogVariance;
    private readonly VaeMissingValues _missingValues;

    /// <summary>
    /// A new network with random weights drawn from <paramref name="generator"/>; the decoder mirrors the encoder's
    /// hidden layers. With <see cref="VaeMissingValues.Model"/> the encoder reads the features and their mask.
    /// </summary>
    public VaeNetwork(int inputDimension, IReadOnlyList<int> hiddenLayerSizes, int latentDimension,
        VaeActivation activation, VaeLikelihood likelihood, bool learnOutputVariance, VaeMissingValues missingValues, Generator generator)
        : this(inputDimension, hiddenLayerSizes, latentDimension, hiddenLayerSizes.Reverse().ToArray(), activation, likelihood, learnOutputVariance,
            missingValues, generator)
    {
    }

    private VaeNetwork(int inputDimension, IReadOnlyList<int> encoderSizes, int latentDimension, IReadOnlyList<int> decoderSizes,
        VaeActivation activation, VaeLikelihood likelihood, bool learnOutputVariance, VaeMissingValues missingValues, Generator generator)
        : base(nameof(VaeNetwork))
    {
        _activation = activation;
        _likelihood = likelihood;
        _missingValues = missingValues;
        // Layers are created, and their weights drawn, in the order they always were: the same seed gives the same model.
        int encoderInput = missingValues == VaeMissingValues.Model ? 2 * inputDimension : inputDimension;
        _encoder = Mlp(encoderInput, encoderSizes, activation, generator, out int encoded);
        _mean = SeededLinear.Create(encoded, latentDimension, generator);
        _logVariance = SeededLinear.Create(encoded, latentDimension, generator);
        _decoder = Mlp(latentDimension, decoderSizes, activation, generator, out int decoded);
        _output = SeededLinear.Create(decoded, inputDimension, generator);
        if (likelihood == VaeLikelihood.Gaussian && learnOutputVariance)
            _outputLogVariance = nn.Parameter(zeros(inputDimension));
        RegisterComponents();
        InputDimension = inputDimension;
    }

    public int InputDimension { get; }

    /// <summary>
    /// The weights and biases of a network of these sizes (as the constructor builds it), counted without allocating one;
    /// in 128 bits, which no sizes of int overflow.
    /// </summary>
    public static Int128 ParameterCount(int inputDimension, IReadOnlyList<int> hiddenLayerSizes, int latentDimension, bool learnedOutputVariance,
        VaeMissingValues missingValues)
    {
        static Int128 Linear(Int128 inputs, Int128 outputs) => inputs * outputs + outputs;
        Int128 count = 0, width = missingValues == VaeMissingValues.Model ? 2 * (Int128)inputDimension : inputDimension;
        foreach (int size in hiddenLayerSizes)
            (count, width) = (count + Linear(width, size), size);
        count += 2 * Linear(width, latentDimension);
        width = latentDimension;
        foreach (int size in hiddenLayerSizes.Reverse())
            (count, width) = (count + Linear(width, size), size);
        return count + Linear(width, inputDimension) + (learnedOutputVariance ? inputDimension : 0);
    }

    /// <summary>Encodes and decodes z = μ: the deterministic pass that scores and encodes.</summary>
    public override VaeForward forward(Tensor x) => Forward(x, observed: null, noise: null);

    /// <summary>
    /// Encodes, draws z = μ + σ ⊙ ε with ε from <paramref name="noise"/> (the reparameterization trick), or takes
    /// z = μ when <paramref name="noise"/> is null, and decodes. <paramref name="observed"/> is the mask (1 = observed)
    /// that a network of missing values reads beside <paramref name="x"/>, whose missing cells hold 0.
    /// </summary>
    public VaeForward Forward(Tensor x, Tensor? observed, Generator? noise)
    {
        if ((observed is null) != (_missingValues == VaeMissingValues.Error))
            throw new ArgumentException($"A network with missing values {_missingValues} needs {(observed is null ? "a" : "no")} mask.", nameof(observed));
        var hidden = _encoder.forward(observed is null ? x : cat([x, observed], 1));
        var mean = _mean.forward(hidden);
        var logVariance = _logVariance.forward(hidden);
        var z = noise is null ? mean : mean.Plus(exp(logVariance.mul(KeptScalars.Half)) * randn(mean.shape, generator: noise));
        return new VaeForward(mean, logVariance, _output.forward(_decoder.forward(z)));
    }

    /// <summary>Per-feature log σ² of the Gaussian likelihood when it is learned; null when σ = 1 or the decoder is Bernoulli.</summary>
    public Tensor? OutputLogVariance => _outputLogVariance;

    /// <summary>A network holding the weights of <paramref name="model"/>, e.g. to check or continue its training.</summary>
    public static VaeNetwork FromModel(VaeModel model)
    {
        // The initial weights are overwritten below: any generator will do. torch first, as in VaeTrainer.Train.
        torch.InitializeDeviceType(DeviceType.CPU);
        using var generator = new Generator();
        var network = new VaeNetwork(model.InputDimension, model.EncoderLayers.Select(l => l.OutputSize).ToArray(), model.LatentDimension,
            model.DecoderLayers.Select(l => l.OutputSize).ToArray(), model.Activation, model.Likelihood,
            learnOutputVariance: model.Likelihood == VaeLikelihood.Gaussian, model.MissingValues, generator);
        using var noGrad = no_grad();
        var layers = model.EncoderLayers.Append(model.MeanLayer).Append(model.LogVarianceLayer).Concat(model.DecoderLayers).Append(model.OutputLayer);
        foreach (var (linear, layer) in network.Linears().Zip(layers))
        {
            linear.weight!.copy_(tensor(layer.Weight.ToArray(), new long[] { layer.OutputSize, layer.InputSize }));
            linear.bias!.copy_(tensor(layer.Bias.ToArray()));
        }
        network._outputLogVariance?.copy_(tensor(model.OutputLogVariance.ToArray()));
        return network;
    }

    /// <summary>The linear layers in <see cref="VaeModel"/>'s order: encoder, mean, log-variance, decoder, output.</summary>
    private IEnumerable<Linear> Linears() =>
        _encoder.children().OfType<Linear>().Append(_mean).Append(_logVariance).Concat(_decoder.children().OfType<Linear>()).Append(_output);

    /// <summary>
    /// The trained weights, with <paramref name="trainingCodes"/>, as a <see cref="VaeModel"/>, which needs no TorchSharp
    /// to score; <paramref name="layout"/> says which columns its cells come from (one real column when null), and
    /// <paramref name="minorComponents"/> are the training rows' (<see cref="MinorComponentsFit"/>).
    /// </summary>
    public VaeModel ToModel(LatentCodes trainingCodes, VaeInputLayout? layout = null, MinorComponents? minorComponents = null)
    {
        using var scope = NewDisposeScope();
        return new VaeModel(
            _activation,
            _likelihood,
            Layers(_encoder),
            ToLayer(_mean),
            ToLayer(_logVariance),
            Layers(_decoder),
            ToLayer(_output),
            _likelihood != VaeLikelihood.Gaussian ? [] : _outputLogVariance?.detach().data<float>().ToArray() ?? new float[InputDimension],
            trainingCodes,
            _missingValues,
            layout,
            minorComponents);
    }

    private static DenseLayer[] Layers(Sequential mlp) => mlp.children().OfType<Linear>().Select(ToLayer).ToArray();

    private static DenseLayer ToLayer(Linear linear) => new(
        (int)linear.in_features,
        (int)linear.out_features,
        linear.weight!.detach().data<float>().ToArray(),
        linear.bias!.detach().data<float>().ToArray());

    private static Sequential Mlp(int inputSize, IReadOnlyList<int> sizes, VaeActivation activation, Generator generator, out int outputSize)
    {
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        outputSize = inputSize;
        for (int i = 0; i < sizes.Count; i++)
        {
            layers.Add(($"linear{i}", SeededLinear.Create(outputSize, sizes[i], generator)));
            layers.Add(($"activation{i}", Activation(activation)));
            outputSize = sizes[i];
        }
        return nn.Sequential(layers);
    }

    private static nn.Module<Tensor, Tensor> Activation(VaeActivation activation) => activation switch
    {
        VaeActivation.Relu => nn.ReLU(),
        VaeActivation.Tanh => nn.Tanh(),
        VaeActivation.Elu => KeptScalarActivation.Elu(),
        VaeActivation.LeakyRelu => KeptScalarActivation.LeakyRelu(),
        VaeActivation.Silu => nn.SiLU(),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation."),
    };
}

/// <summary>One forward pass: the posterior's mean and log-variance, and the decoder output (mean or logits).</summary>
internal readonly record struct VaeForward(Tensor Mean, Tensor LogVariance, Tensor Decoded);
