using System.Buffers.Binary;
using System.Text.RegularExpressions;

namespace Vae.MLNet;

/// <summary>
/// How <c>mlContext.Model.Save</c> lays out a pipeline's zip, which ML.NET does not document: each OnnxTransformer's
/// graph is an entry named <see cref="OnnxEntryName"/>, stored as ML.NET stores a byte array (its int32 length, then
/// the bytes), in a folder path whose <c>Transform_N</c> parts give its position in the (nested) chains. Part of the
/// fence around ML.NET's internals (see <see cref="MLNetInternals"/>).
/// </summary>
internal static partial class MLNetZipLayout
{
    /// <summary>The name of the entry that holds an OnnxTransformer's graph.</summary>
    public const string OnnxEntryName = "OnnxModel";

    /// <summary>The index of each chain step on the way to <paramref name="entryFullName"/>, outermost first.</summary>
    public static int[] PipelinePosition(string entryFullName) =>
        TransformIndex().Matches(entryFullName).Select(m => int.Parse(m.Groups[1].Value)).ToArray();

    /// <summary>The bytes of a stored byte array, checked against its length prefix.</summary>
    public static byte[] WithoutLengthPrefix(byte[] content, string source)
    {
        if (content.Length < sizeof(int) || BinaryPrimitives.ReadInt32LittleEndian(content) != content.Length - sizeof(int))
            throw new InvalidDataException($"{source} is damaged: its length prefix does not match the {content.Length} bytes it holds.");
        return content[sizeof(int)..];
    }

    /// <summary><paramref name="bytes"/> as ML.NET stores a byte array.</summary>
    public static byte[] WithLengthPrefix(byte[] bytes)
    {
        var content = new byte[sizeof(int) + bytes.Length];
        BinaryPrimitives.WriteInt32LittleEndian(content, bytes.Length);
        bytes.CopyTo(content, sizeof(int));
        return content;
    }

    [GeneratedRegex(@"Transform_(\d+)")]
    private static partial Regex TransformIndex();
}
