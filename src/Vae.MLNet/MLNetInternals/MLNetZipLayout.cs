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

    /// <summary>
    /// How many of the outermost indices of <see cref="PipelinePosition"/> lie outside the transformer that
    /// <c>mlContext.Model.Load</c> returns for a zip of entries <paramref name="entryFullNames"/>: 1 for a zip saved with
    /// its data loader (<c>mlContext.Model.Save(model, loader, path)</c>), else 0. ML.NET saves the model of such a zip
    /// as the one step of the chain of a <c>CompositeDataLoader</c> (a <c>Loader</c> folder beside that chain) and its
    /// <c>Load</c> returns that step, not the chain; a chain of other than one step is returned whole.
    /// </summary>
    public static int LoaderChainDepth(IEnumerable<string> entryFullNames)
    {
        var names = entryFullNames.ToArray();
        if (!names.Any(IsInLoader))
            return 0;
        int steps = names.Select(n => TopLevelStep().Match(n)).Where(m => m.Success).Select(m => m.Groups[1].Value).Distinct().Count();
        return steps == 1 ? 1 : 0;
    }

    /// <summary>
    /// Whether the entry belongs to the data loader of a zip saved with one, which <c>mlContext.Model.Load</c> does not
    /// return: a pipeline appended to a loader (<c>loader.Append(model)</c>) saved as that loader lives there.
    /// </summary>
    public static bool IsInLoader(string entryFullName) => entryFullName.StartsWith("Loader/", StringComparison.Ordinal);

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

    [GeneratedRegex(@"^TransformerChain/Transform_(\d+)/")]
    private static partial Regex TopLevelStep();
}
