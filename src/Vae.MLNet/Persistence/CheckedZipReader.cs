using System.IO.Compression;

namespace Vae.MLNet;

/// <summary>
/// Reads the zip of a saved pipeline so that whatever is wrong with it is an <see cref="InvalidDataException"/> naming
/// the file and, for an entry, the entry: .NET's zip reader names neither ("End of Central Directory record could not
/// be found." is all a service would log for a model copied while it was still being written). Every entry's bytes are
/// checked against the CRC-32 the zip records for it, which .NET's reader never compares: damaged deflated weights
/// that still inflate to the declared size would otherwise load and score with other weights.
/// </summary>
internal static class CheckedZipReader
{
    /// <summary>Opens <paramref name="path"/> and reads its central directory, the list of its entries.</summary>
    public static ZipArchive Open(string path)
    {
        var zip = Guard(path, NoWholeZip, () => ZipFile.OpenRead(path));
        try
        {
            // The entries are read on first use: a damaged central directory fails here, not in the caller's loop.
            Guard(path, NoWholeZip, () => zip.Entries);
            return zip;
        }
        catch
        {
            zip.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Copies the inflated bytes of <paramref name="entry"/> of the zip at <paramref name="path"/> to <paramref name="target"/>
    /// in blocks, so an entry costs a block of memory whatever it inflates to; a CRC-32 other than the recorded one is refused.
    /// </summary>
    public static void CopyTo(ZipArchiveEntry entry, Stream target, string path)
    {
        var crc = new ZipCrc32();
        Guard(Source(entry, path), DamagedEntry, () =>
        {
            using var stream = entry.Open();
            var block = new byte[81920];
            for (int read; (read = stream.Read(block)) > 0;)
            {
                crc.Append(block.AsSpan(0, read));
                target.Write(block, 0, read);
            }
            return true;
        });
        CheckCrc(entry, crc.Value, path);
    }

    /// <summary>
    /// Reads exactly <paramref name="content"/>.Length inflated bytes of <paramref name="entry"/>, its declared size, and
    /// refuses an entry whose data ends sooner or goes on longer, or whose CRC-32 is not the recorded one.
    /// </summary>
    public static void Read(ZipArchiveEntry entry, byte[] content, string path)
    {
        string source = Source(entry, path);
        bool whole = Guard(source, DamagedEntry, () =>
        {
            using var stream = entry.Open();
            return stream.ReadAtLeast(content, content.Length, throwOnEndOfStream: false) == content.Length && stream.ReadByte() < 0;
        });
        if (!whole)
            throw new InvalidDataException($"{source} is damaged: its data does not inflate to the {content.Length} bytes its header declares.");
        CheckCrc(entry, ZipCrc32.Of(content), path);
    }

    private static void CheckCrc(ZipArchiveEntry entry, uint crc, string path)
    {
        if (crc != entry.Crc32)
            throw new InvalidDataException($"{Source(entry, path)} is damaged: its data has the CRC-32 {crc:x8}, the zip records {entry.Crc32:x8}.");
    }

    private static string Source(ZipArchiveEntry entry, string path) => $"{path}:{entry.FullName}";

    // What .NET's complaints mean: about the file's end and its list of entries, or about one entry.
    private const string NoWholeZip = "is no zip, or a damaged or incomplete one (a copy still being written?)";
    private const string DamagedEntry = "is damaged (the file may be a copy still being written)";

    /// <summary>Runs a read of .NET's zip reader, giving what it throws for bad data the name of what was read.</summary>
    private static T Guard<T>(string source, string problem, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (InvalidDataException error)
        {
            throw new InvalidDataException($"{source} {problem}: {error.Message}", error);
        }
    }
}
