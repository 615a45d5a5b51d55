namespace Vae.MLNet;

/// <summary>
/// A trained fully connected layer y = W·x + b, stored as TorchSharp's <c>Linear</c> stores it: the weight is
/// [<see cref="OutputSize"/>, <see cref="InputSize"/>] in row-major order. Immutable: it keeps copies of the values
/// it is given and hands out read-only views, so no caller changes the weights under a scorer that uses them.
/// </summary>
public sealed class DenseLayer
{
    /// <summary>Creates a layer from its weight ([outputSize, inputSize], row-major) and bias ([outputSize]).</summary>
    public DenseLayer(int inputSize, int outputSize, IReadOnlyList<float> weight, IReadOnlyList<float> bias)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputSize, 1);
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(bias);
        if (weight.Count != inputSize * outputSize)
            throw new ArgumentException($"A {outputSize}x{inputSize} layer needs {inputSize * outputSize} weights, got {weight.Count}.", nameof(weight));
        if (bias.Count != outputSize)
            throw new ArgumentException($"A layer with {outputSize} outputs needs {outputSize} biases, got {bias.Count}.", nameof(bias));
        InputSize = inputSize;
        OutputSize = outputSize;
        Weight = Array.AsReadOnly(weight.ToArray());
        Bias = Array.AsReadOnly(bias.ToArray());
    }

    /// <summary>Number of inputs.</summary>
    public int InputSize { get; }

    /// <summary>Number of outputs.</summary>
    public int OutputSize { get; }

    /// <summary>The weight matrix, [<see cref="OutputSize"/>, <see cref="InputSize"/>] row-major.</summary>
    public IReadOnlyList<float> Weight { get; }

    /// <summary>The bias vector, [<see cref="OutputSize"/>].</summary>
    public IReadOnlyList<float> Bias { get; }
}
