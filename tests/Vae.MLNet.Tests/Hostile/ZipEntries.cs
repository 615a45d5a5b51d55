using System.Buffers.Binary;
using System.IO.Compression;
using Google.Protobuf;
using Onnx;

namespace Vae.MLNet.Tests.Hostile;

/// <summary>The entries of a saved ML.NET pipeline, taken apart and zipped again, and the ONNX models inside them.</summary>
internal static class ZipEntries
{
    public const string OnnxModel = "/OnnxModel";

    public static List<(string Name, byte[] Content)> Read(byte[] zip)
    {
        using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        return archive.Entries.Select(e =>
        {
            using var stream = e.Open();
            using var content = new MemoryStream();
            stream.CopyTo(content);
            return (e.FullName, content.ToArray());
        }).ToList();
    }

    public static byte[] Write(IEnumerable<(string Name, byte[] Content)> entries)
    {
        using var buffer = new MemoryStream();
        using (var archive = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, content) in entries)
            {
                using var stream = archive.CreateEntry(name).Open();
                stream.Write(content);
            }
        return buffer.ToArray();
    }

    /// <summary>
    /// <paramref name="zip"/> with the uncompressed size that <paramref name="entry"/>'s headers declare (its central
    /// directory record and its local header, not zip64) set to <paramref name="length"/>, its data left as it is.
    /// </summary>
    public static byte[] DeclareLength(byte[] zip, string entry, uint length)
    {
        var bytes = zip.ToArray();
        var name = System.Text.Encoding.UTF8.GetBytes(entry);
        // The central directory is at the end; searched backwards, the compressed data before it is never mistaken for it.
        for (int record = bytes.Length - 46 - name.Length; record >= 0; record--)
        {
            // A central directory record: signature PK\x01\x02, the name's length at 28, the name at 46, the local header's offset at 42.
            if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(record)) != 0x02014b50
                || BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(record + 28)) != name.Length
                || !bytes.AsSpan(record + 46, name.Length).SequenceEqual(name))
                continue;
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(record + 24), length);
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(checked((int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(record + 42)) + 22)), length);
            return bytes;
        }
        throw new ArgumentException($"No central directory record for '{entry}'.", nameof(entry));
    }

    /// <summary>The ONNX model in an <c>OnnxModel</c> entry, which ML.NET stores after its int32 length.</summary>
    public static byte[] OnnxOf(byte[] content) => content[sizeof(int)..];

    /// <summary>An <c>OnnxModel</c> entry holding <paramref name="onnx"/>, its length kept true.</summary>
    public static byte[] EntryOf(byte[] onnx)
    {
        var content = new byte[sizeof(int) + onnx.Length];
        BinaryPrimitives.WriteInt32LittleEndian(content, onnx.Length);
        onnx.CopyTo(content, sizeof(int));
        return content;
    }

    /// <summary><paramref name="zip"/> with <paramref name="edit"/> applied to the ONNX model of the VAE component of <paramref name="kind"/>.</summary>
    public static byte[] EditComponent(byte[] zip, string kind, Action<ModelProto> edit)
    {
        var entries = Read(zip);
        int index = entries.FindIndex(e => e.Name.EndsWith(OnnxModel, StringComparison.Ordinal)
            && ModelProto.Parser.ParseFrom(OnnxOf(e.Content)).MetadataProps.Any(p => p.Key == VaeOnnxMetadata.Kind && p.Value == kind));
        var model = ModelProto.Parser.ParseFrom(OnnxOf(entries[index].Content));
        edit(model);
        entries[index] = (entries[index].Name, EntryOf(model.ToByteArray()));
        return Write(entries);
    }
}
