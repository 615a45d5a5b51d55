using TorchSharp;
using static TorchSharp.torch;

namespace Vae.MLNet.Training;

/// <summary>
/// ELU and leaky ReLU with their constants held for the life of the process. TorchSharp's <c>nn.ELU</c> and
/// <c>nn.LeakyReLU</c> turn α and the slope into a new implicit Scalar on every forward call, which a collection on
/// another thread can free while libtorch reads it (<see cref="KeptScalars"/>). The same functions, so the same
/// outputs and the same exported graph.
/// </summary>
internal sealed class KeptScalarActivation : nn.Module<Tensor, Tensor>
{
    private static readonly Scalar LeakySlope = 0.01.ToScalar();

    private readonly Func<Tensor, Tensor> _function;

    private KeptScalarActivation(string name, Func<Tensor, Tensor> function) : base(name) => _function = function;

    /// <summary>ELU with α = 1 (TorchSharp's default: scale and input scale 1).</summary>
    public static KeptScalarActivation Elu() => new("ELU", x => x.elu(KeptScalars.One, KeptScalars.One, KeptScalars.One));

    /// <summary>Leaky ReLU with slope 0.01, as the exported graph's LeakyRelu.</summary>
    public static KeptScalarActivation LeakyRelu() => new("LeakyReLU", x => x.leaky_relu(LeakySlope));

    public override Tensor forward(Tensor x) => _function(x);
}
