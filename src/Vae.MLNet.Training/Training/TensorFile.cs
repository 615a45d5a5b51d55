using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Vae.MLNet.Training;

/// <summary>Float tensors to and from a checkpoint stream: element count, then the raw little-endian values.</summary>
internal static class TensorFile
{
    public static void Write(BinaryWriter writer, IReadOnlyList<Tensor> tensors)
    {
        writer.Write(tensors.Count);
        foreach (var tensor in tensors)
        {
            var values = tensor.detach().data<float>().ToArray();
            writer.Write(values.Length);
            writer.Write(MemoryMarshal.AsBytes(values.AsSpan()));
        }
    }

    /// <summary>Overwrites <paramref name="tensors"/> in place; their number and sizes must match what was written.</summary>
    public static void ReadInto(BinaryReader reader, IReadOnlyList<Tensor> tensors)
    {
        int count = reader.ReadInt32();
        if (count != tensors.Count)
            throw new InvalidDataException($"The checkpoint holds {count} tensors where the network has {tensors.Count}.");
        using var noGrad = no_grad();
        foreach (var target in tensors)
        {
            int length = reader.ReadInt32();
            if (length != target.numel())
                throw new InvalidDataException($"A checkpoint tensor holds {length} values where the network has {target.numel()}.");
            var values = new float[length];
            reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
            using var source = tensor(values).view(target.shape);
            target.copy_(source);
        }
    }
}
