namespace Vae.MLNet.Tests.Hostile;

/// <summary>A hostile variant of a file and how it was made, so that a failing input can be told and rebuilt.</summary>
internal sealed record Mutation(byte[] Bytes, string Description);

/// <summary>
/// Seeded byte-level mutations, as a fuzzer makes them: bit flips, overwrites with values that sit on the edges of
/// integer ranges, random runs, truncation, insertion and deletion of runs, and duplicated chunks. The same seed and
/// input give the same output.
/// </summary>
internal static class ByteMutator
{
    // Little-endian edges of the usual integer widths, where length and count checks go wrong.
    private static readonly byte[][] Interesting =
    [
        [0x00], [0xFF], [0x7F], [0x80],
        [0x00, 0x00, 0x00, 0x00], [0xFF, 0xFF, 0xFF, 0xFF],
        [0xFF, 0xFF, 0xFF, 0x7F], [0x00, 0x00, 0x00, 0x80],
        [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F],
    ];

    /// <summary>One to four mutations of <paramref name="original"/>, stacked.</summary>
    public static Mutation Mutate(byte[] original, Random random)
    {
        var bytes = new List<byte>(original);
        var steps = new List<string>();
        for (int count = random.Next(1, 5); count > 0; count--)
            steps.Add(MutateOnce(bytes, random));
        return new Mutation(bytes.ToArray(), string.Join("; ", steps));
    }

    private static string MutateOnce(List<byte> bytes, Random random)
    {
        if (bytes.Count == 0)
            return Insert(bytes, random, 0);
        int at = random.Next(bytes.Count);
        switch (random.Next(7))
        {
            case 0:
                int bit = random.Next(8);
                bytes[at] ^= (byte)(1 << bit);
                return $"flip bit {bit} at {at}";
            case 1:
                var value = Interesting[random.Next(Interesting.Length)];
                for (int i = 0; i < value.Length && at + i < bytes.Count; i++)
                    bytes[at + i] = value[i];
                return $"write {Convert.ToHexString(value)} at {at}";
            case 2:
                int run = Math.Min(random.Next(1, 33), bytes.Count - at);
                for (int i = 0; i < run; i++)
                    bytes[at + i] = (byte)random.Next(256);
                return $"randomize {run} bytes at {at}";
            case 3:
                bytes.RemoveRange(at, bytes.Count - at);
                return $"truncate to {at}";
            case 4:
                return Insert(bytes, random, at);
            case 5:
                int removed = Math.Min(random.Next(1, 65), bytes.Count - at);
                bytes.RemoveRange(at, removed);
                return $"delete {removed} bytes at {at}";
            default:
                int length = Math.Min(random.Next(1, 257), bytes.Count - at);
                int to = random.Next(bytes.Count + 1);
                bytes.InsertRange(to, bytes.GetRange(at, length));
                return $"copy {length} bytes from {at} to {to}";
        }
    }

    private static string Insert(List<byte> bytes, Random random, int at)
    {
        var run = new byte[random.Next(1, 65)];
        random.NextBytes(run);
        bytes.InsertRange(at, run);
        return $"insert {run.Length} random bytes at {at}";
    }
}
