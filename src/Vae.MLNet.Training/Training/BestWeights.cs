using static TorchSharp.torch;

namespace Vae.MLNet.Training;

/// <summary>
/// A copy of the weights at the lowest loss so far: the held-out loss when rows are held out (early stopping), the
/// training loss otherwise (what a diverging run falls back to).
/// </summary>
internal sealed class BestWeights(VaeNetwork network) : IDisposable
{
    private Tensor[]? _weights;

    public double Loss { get; private set; } = double.PositiveInfinity;

    /// <summary>The epoch whose weights are kept; 0 while none are.</summary>
    public int Epoch { get; private set; }

    /// <summary>True while a copy of the weights is kept.</summary>
    public bool HasWeights => _weights != null;

    /// <summary>
    /// Keeps the current weights, those of <paramref name="epoch"/>, if <paramref name="loss"/> is finite and improves
    /// on the best by more than 0.01%.
    /// </summary>
    public bool Offer(double loss, int epoch)
    {
        if (!double.IsFinite(loss) || (!(loss < Loss - 1e-4 * Math.Abs(Loss)) && _weights != null))
            return false;
        Loss = loss;
        Epoch = epoch;
        using (no_grad())
        {
            // Copied into the same tensors each time: a run without held-out rows improves nearly every epoch.
            _weights ??= network.parameters().Select(p => empty_like(p)).ToArray();
            foreach (var (parameter, weight) in network.parameters().Zip(_weights))
                weight.copy_(parameter);
        }
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
        writer.Write(Epoch);
        writer.Write(_weights != null);
        if (_weights != null)
            TensorFile.Write(writer, _weights);
    }

    public void Read(BinaryReader reader)
    {
        Loss = reader.ReadDouble();
        Epoch = reader.ReadInt32();
        Dispose();
        if (!reader.ReadBoolean())
            return;
        using (no_grad())
            _weights = network.parameters().Select(p => empty_like(p)).ToArray();
        TensorFile.ReadInto(reader, _weights);
    }

    public void Dispose()
    {
        foreach (var weight in _weights ?? [])
            weight.Dispose();
        _weights = null;
    }
}
