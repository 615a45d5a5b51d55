using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Vae.MLNet.Training;

/// <summary>
/// A linear layer initialized as <c>nn.Linear</c> initializes one (Kaiming-uniform weights with a = √5, biases
/// uniform within ±1/√fan-in), but drawn from a given generator: <c>nn.Linear</c> and <c>nn.init</c> draw from
/// TorchSharp's global generator only (its <c>init.uniform_</c> ignores the generator it is given).
/// </summary>
/// <remarks>
/// The bounds are computed as libtorch computes them (<c>torch::nn::init::kaiming_uniform_</c>, in double), and the
/// draws come in the same order, weight then bias, so a generator seeded s gives the weights that
/// <c>torch.manual_seed(s)</c> followed by <c>nn.Linear</c> gives; a test checks it against TorchSharp.
/// </remarks>
internal static class SeededLinear
{
    public static Linear Create(long inputSize, long outputSize, Generator generator)
    {
        // libtorch's kaiming_uniform_: gain √(2 / (1 + a²)) for leaky ReLU with a = √5, std gain / √fan-in, bound √3·std.
        double gain = Math.Sqrt(2.0 / (1 + Math.Pow(Math.Sqrt(5), 2)));
        double weightBound = Math.Sqrt(3) * (gain / Math.Sqrt(inputSize));
        double biasBound = inputSize > 0 ? 1 / Math.Sqrt(inputSize) : 0;
        var weight = empty(outputSize, inputSize).uniform_(-weightBound, weightBound, generator);
        var bias = empty(outputSize).uniform_(-biasBound, biasBound, generator);
        return nn.Linear(nn.Parameter(weight), nn.Parameter(bias));
    }
}
