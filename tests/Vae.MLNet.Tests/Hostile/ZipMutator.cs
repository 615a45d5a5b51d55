namespace Vae.MLNet.Tests.Hostile;

/// <summary>
/// Seeded mutations of a saved ML.NET pipeline. A third of them damage the zip container itself; the rest damage one
/// entry and zip the archive again, so that the container is sound and the hostile content reaches the parsers
/// behind it: ML.NET's readers, and for an <c>OnnxModel</c> entry the ONNX reader, often with the protobuf kept valid.
/// </summary>
internal static class ZipMutator
{
    public static Mutation Mutate(byte[] zip, Random random)
    {
        if (random.Next(3) == 0)
        {
            var container = ByteMutator.Mutate(zip, random);
            return container with { Description = $"zip: {container.Description}" };
        }
        var entries = ZipEntries.Read(zip);
        // The ONNX entries hold the VAE; they are few among ML.NET's many small entries, so they are drawn more often.
        var onnx = entries.FindAll(e => IsOnnx(e.Name));
        var (name, content) = onnx.Count > 0 && random.Next(2) == 0 ? onnx[random.Next(onnx.Count)] : entries[random.Next(entries.Count)];
        Mutation mutation;
        if (IsOnnx(name) && random.Next(2) == 0)
        {
            var model = OnnxMutator.Mutate(ZipEntries.OnnxOf(content), random);
            mutation = model with { Bytes = ZipEntries.EntryOf(model.Bytes) };
        }
        else
            mutation = ByteMutator.Mutate(content, random);
        entries[entries.FindIndex(e => e.Name == name)] = (name, mutation.Bytes);
        return new Mutation(ZipEntries.Write(entries), $"{name}: {mutation.Description}");
    }

    private static bool IsOnnx(string name) => name.EndsWith(ZipEntries.OnnxModel, StringComparison.Ordinal);
}
