using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Vae.MLNet.Training;

/// <summary>
/// The TorchSharp VAE: an MLP encoder to (μ, log σ²), the reparameterized draw z = μ + σ ⊙ ε, and an MLP decoder.
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

    public VaeNetwork(int inputDimension, IReadOnlyList<int> hiddenLayerSizes, int latentDimension,
        VaeActivation activation, VaeLikelihood likelihood, bool learnOutputVariance)
        : base(nameof(VaeNetwork))
    {
        _activation = activation;
        _likelihood = likelihood;
        _encoder = Mlp(inputDimension, hiddenLayerSizes, activation, out int encoded);
        _mean = nn.Linear(encoded, latentDimension);
        _logVariance = nn.Linear(encoded, latentDimension);
        _decoder = Mlp(latentDimension, hiddenLayerSizes.Reverse().ToArray(), activation, out int decoded);
        _output = nn.Linear(decoded, inputDimension);
        if (likelihood == VaeLikelihood.Gaussian && learnOutputVariance)
            _outputLogVariance = nn.Parameter(zeros(inputDimension));
        RegisterComponents();
        InputDimension = inputDimension;
    }

    public int InputDimension { get; }

    /// <summary>Encodes, draws z with the reparameterization trick (or takes z = μ), and decodes.</summary>
    public override VaeForward forward(Tensor x) => Forward(x, sample: true);

    public VaeForward Forward(Tensor x, bool sample)
    {
        var hidden = _encoder.forward(x);
        var mean = _mean.forward(hidden);
        var logVariance = _logVariance.forward(hidden);
        var z = sample ? mean + exp(0.5 * logVariance) * randn_like(mean) : mean;
        return new VaeForward(mean, logVariance, _output.forward(_decoder.forward(z)));
    }

    /// <summary>Per-feature log σ² of the Gaussian likelihood: learned, or zeros (σ = 1).</summary>
    public Tensor OutputLogVariance => _outputLogVariance ?? zeros(InputDimension);

    /// <summary>The trained weights as a <see cref="VaeModel"/>, which needs no TorchSharp to score.</summary>
    public VaeModel ToModel()
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
            _likelihood == VaeLikelihood.Gaussian ? OutputLogVariance.detach().data<float>().ToArray() : []);
    }

    private static DenseLayer[] Layers(Sequential mlp) => mlp.children().OfType<Linear>().Select(ToLayer).ToArray();

    private static DenseLayer ToLayer(Linear linear) => new(
        (int)linear.in_features,
        (int)linear.out_features,
        linear.weight!.detach().data<float>().ToArray(),
        linear.bias!.detach().data<float>().ToArray());

    private static Sequential Mlp(int inputSize, IReadOnlyList<int> sizes, VaeActivation activation, out int outputSize)
    {
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        outputSize = inputSize;
        for (int i = 0; i < sizes.Count; i++)
        {
            layers.Add(($"linear{i}", nn.Linear(outputSize, sizes[i])));
            layers.Add(($"activation{i}", Activation(activation)));
            outputSize = sizes[i];
        }
        return nn.Sequential(layers);
    }

    private static nn.Module<Tensor, Tensor> Activation(VaeActivation activation) => activation switch
    {
        VaeActivation.Relu => nn.ReLU(),
        VaeActivation.Tanh => nn.Tanh(),
        VaeActivation.Elu => nn.ELU(),
        VaeActivation.LeakyRelu => nn.LeakyReLU(0.01),
        VaeActivation.Silu => nn.SiLU(),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation."),
    };
}

/// <summary>One forward pass: the posterior's mean and log-variance, and the decoder output (mean or logits).</summary>
internal readonly record struct VaeForward(Tensor Mean, Tensor LogVariance, Tensor Decoded);
