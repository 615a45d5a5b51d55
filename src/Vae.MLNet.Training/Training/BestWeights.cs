using static TorchSharp.torch;

namespace Vae.MLNet.Training;

/// <summary>A copy of the weights at the best validation loss so far, for early stopping.</summary>
internal sealed class BestWeights(VaeNetwork network) : IDisposable
{
    private Tensor[]? _weights;

    public double Loss { get; private set; } = double.PositiveInfinity;

    /// <summary>Keeps the current weights if <paramref name="loss"/> improves on the best by more than 0.01%.</summary>
    public bool Offer(double loss)
    {
        if (!(loss < Loss - 1e-4 * Math.Abs(Loss)) && _weights != null)
            return false;
        Loss = loss;
        Dispose();
        _weights = network.parameters().Select(p => p.detach().clone()).ToArray();
        return true;
    }

    /// <summary>Copies the best weights, if any, back into the network.</summary>
    public void Restore()
    {
        if (_weights is null)
            return;
        using (no_grad())
            foreach (var (parameter, weight) in network.parameters().Zip(_weights))
                parameter.copy_(weight);
        Dispose();
    }

    public void Write(BinaryWriter writer)
    {
        writer.Write(Loss);
        writer.Write(_weights != null);
        if (_weights != null)
            TensorFile.Write(writer, _weights);
    }

    public void Read(BinaryReader reader)
    {
        Loss = reader.ReadDouble();
        Dispose();
        if (!reader.ReadBoolean())
            return;
        _weights = network.parameters().Select(p => p.detach().clone()).ToArray();
        TensorFile.ReadInto(reader, _weights);
    }

    public void Dispose()
    {
        foreach (var weight in _weights ?? [])
            weight.Dispose();
        _weights = null;
    }
}
