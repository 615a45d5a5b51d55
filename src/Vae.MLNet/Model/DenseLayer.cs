namespace Vae.MLNet;

/// <summary>
/// A trained fully connected layer y = W·x + b, stored as TorchSharp's <c>Linear</c> stores it: the weight is
/// [<see cref="OutputSize"/>, <see cref="InputSize"/>] in row-major order.
/// </summary>
public sealed class DenseLayer
{
    /// <summary>Creates a layer from its weight ([outputSize, inputSize], row-major) and bias ([outputSize]).</summary>
    public DenseLayer(int inputSize, int outputSize, float[] weight, float[] bias)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputSize, 1);
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(bias);
        if (weight.Length != inputSize * outputSize)
            throw new ArgumentException($"A {outputSize}x{inputSize} layer needs {inputSize * outputSize} weights, got {weight.Length}.", nameof(weight));
        if (bias.Length != outputSize)
            throw new ArgumentException($"A layer with {outputSize} outputs needs {outputSize} biases, got {bias.Length}.", nameof(bias));
        InputSize = inputSize;
        OutputSize = outputSize;
        Weight = weight;
        Bias = bias;
    }

    /// <summary>Number of inputs.</summary>
    public int InputSize { get; }

    /// <summary>Number of outputs.</summary>
    public int OutputSize { get; }

    /// <summary>The weight matrix, [<see cref="OutputSize"/>, <see cref="InputSize"/>] row-major.</summary>
    public float[] Weight { get; }

    /// <summary>The bias vector, [<see cref="OutputSize"/>].</summary>
    public float[] Bias { get; }
}
