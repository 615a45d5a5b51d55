namespace Vae.MLNet;

/// <summary>
/// The CRC-32 a zip records for each entry (ISO 3309, the reflected polynomial 0xEDB88320), to compare with the bytes
/// read (<see cref="CheckedZipReader"/>).
/// </summary>
/// <remarks>
/// Written here rather than taken from the System.IO.Hashing package: with that package as a dependency, a Polyglot
/// notebook referencing Vae.MLNet.Training, libtorch and ScottPlot (notebooks/anomaly-detection.ipynb) got no
/// reference to it, and <c>LoadWithBatchedScoring</c> failed there with FileNotFoundException. A table of 256 entries and
/// one loop is all the algorithm is.
/// </remarks>
internal sealed class ZipCrc32
{
    private static readonly uint[] Table = BuildTable();

    private uint _state = uint.MaxValue;

    /// <summary>The CRC-32 of the bytes appended so far.</summary>
    public uint Value => ~_state;

    /// <summary>Adds <paramref name="bytes"/> to the bytes the CRC covers.</summary>
    public void Append(ReadOnlySpan<byte> bytes)
    {
        uint state = _state;
        foreach (byte b in bytes)
            state = Table[(state ^ b) & 0xFF] ^ (state >> 8);
        _state = state;
    }

    /// <summary>The CRC-32 of <paramref name="bytes"/>.</summary>
    public static uint Of(ReadOnlySpan<byte> bytes)
    {
        var crc = new ZipCrc32();
        crc.Append(bytes);
        return crc.Value;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }
}
