using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Vae.MLNet.Training;

/// <summary>
/// Adam (Kingma and Ba, 2015) with β₁ = 0.9, β₂ = 0.999, ε = 1e-8: the arithmetic of TorchSharp's <c>optim.Adam</c>
/// with those defaults, op for op, so that a seed trains the same weights, but with every number it hands libtorch
/// held until the call returns. TorchSharp's step makes five implicit Scalars per parameter, which a garbage
/// collection on another thread can free under libtorch (<see cref="KeptScalars"/>).
/// </summary>
internal sealed class AdamOptimizer : IDisposable
{
    private const double Beta1 = 0.9;
    private const double Beta2 = 0.999;
    private const double Epsilon = 1e-8;

    private static readonly Scalar Beta1Scalar = Beta1.ToScalar();
    private static readonly Scalar Beta2Scalar = Beta2.ToScalar();
    private static readonly Scalar OneMinusBeta1 = (1 - Beta1).ToScalar();
    private static readonly Scalar OneMinusBeta2 = (1 - Beta2).ToScalar();
    private static readonly Scalar EpsilonScalar = Epsilon.ToScalar();

    private readonly Parameter[] _parameters;
    private readonly Tensor[] _firstMoments;
    private readonly Tensor[] _secondMoments;

    public AdamOptimizer(IEnumerable<Parameter> parameters)
    {
        _parameters = parameters.ToArray();
        _firstMoments = _parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
        _secondMoments = _parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
    }

    /// <summary>Steps taken, on which the bias corrections depend.</summary>
    public long Steps { get; private set; }

    /// <summary>Zeroes the gradients that the next backward pass accumulates into.</summary>
    public void ZeroGrad()
    {
        foreach (var parameter in _parameters)
        {
            using var gradient = parameter.grad;
            gradient?.zero_();
        }
    }

    /// <summary>One step of size <paramref name="learningRate"/> on the gradients of the last backward pass.</summary>
    public void Step(double learningRate)
    {
        Steps++;
        double correction1 = 1 - Math.Pow(Beta1, Steps);
        double correction2 = 1 - Math.Pow(Beta2, Steps);
        using var rootCorrection2 = Math.Sqrt(correction2).ToScalar();
        using var stepSize = (-(learningRate / correction1)).ToScalar();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        for (int i = 0; i < _parameters.Length; i++)
        {
            var gradient = _parameters[i].grad;
            if (gradient is null)
                continue;
            _firstMoments[i].mul_(Beta1Scalar).add_(gradient, OneMinusBeta1);
            _secondMoments[i].mul_(Beta2Scalar).addcmul_(gradient, gradient, OneMinusBeta2);
            var denominator = _secondMoments[i].sqrt().div(rootCorrection2).add_(EpsilonScalar, KeptScalars.One);
            _parameters[i].addcdiv_(_firstMoments[i], denominator, stepSize);
        }
    }

    /// <summary>The step count and both moments of every parameter, for a checkpoint.</summary>
    public void Write(BinaryWriter writer)
    {
        writer.Write(Steps);
        TensorFile.Write(writer, [.. _firstMoments, .. _secondMoments]);
    }

    /// <summary>Restores what <see cref="Write"/> wrote, into this optimizer's tensors.</summary>
    public void Read(BinaryReader reader)
    {
        Steps = reader.ReadInt64();
        TensorFile.ReadInto(reader, [.. _firstMoments, .. _secondMoments]);
    }

    public void Dispose()
    {
        foreach (var moment in _firstMoments.Concat(_secondMoments))
            moment.Dispose();
    }
}
