using System.IO.Compression;
using System.Text;

namespace Vae.MLNet.Tests;

/// <summary>The CRC-32 that <see cref="CheckedZipReader"/> compares with what a zip records.</summary>
public class ZipCrc32Tests
{
    [Fact]
    public void TheCheckValueOfTheStandardIsMet() =>
        // ISO 3309 / ITU-T V.42's check value: the CRC-32 of the ASCII digits 1 to 9.
        Assert.Equal(0xCBF43926u, ZipCrc32.Of(Encoding.ASCII.GetBytes("123456789")));

    [Fact]
    public void EveryEntryOfAZipNetWroteHasTheCrcItRecords()
    {
        var random = new Random(3);
        var contents = new[] { 0, 1, 7, 4096, 100_003 }.Select(length =>
        {
            var bytes = new byte[length];
            random.NextBytes(bytes);
            return bytes;
        }).ToArray();
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
            for (int i = 0; i < contents.Length; i++)
            {
                using var stream = zip.CreateEntry($"entry{i}").Open();
                stream.Write(contents[i]);
            }

        buffer.Position = 0;
        using var read = new ZipArchive(buffer, ZipArchiveMode.Read);
        for (int i = 0; i < contents.Length; i++)
        {
            // Appended in two parts, as a streamed copy appends its blocks.
            var crc = new ZipCrc32();
            crc.Append(contents[i].AsSpan(0, contents[i].Length / 3));
            crc.Append(contents[i].AsSpan(contents[i].Length / 3));
            Assert.Equal(read.GetEntry($"entry{i}")!.Crc32, crc.Value);
            Assert.Equal(crc.Value, ZipCrc32.Of(contents[i]));
        }
    }
}
