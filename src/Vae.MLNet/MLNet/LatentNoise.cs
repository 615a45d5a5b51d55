namespace Vae.MLNet;

/// <summary>
/// Standard normal (and uniform) draws keyed by (seed, row, slot) rather than by a running generator, so a sampled latent
/// vector depends only on the seed and the row's position: the same whatever the batch size, the cursor or the thread.
/// </summary>
internal static class LatentNoise
{
    /// <summary>Fills <paramref name="destination"/> with ε ~ N(0, 1) for one row.</summary>
    public static void Fill(int seed, long row, Span<float> destination)
    {
        for (int j = 0; j < destination.Length; j++)
        {
            // Box–Muller on two independent uniforms from a counter-based hash.
            double u1 = ToUnitOpen(Mix((ulong)(uint)seed, (ulong)row, (ulong)(2 * j)));
            double u2 = ToUnitOpen(Mix((ulong)(uint)seed, (ulong)row, (ulong)(2 * j + 1)));
            destination[j] = (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
        }
    }

    /// <summary>
    /// Fills <paramref name="destination"/> with u ~ U(0, 1] for one row, from the slots <paramref name="firstSlot"/>
    /// on: draws that must not share a slot's hash with other draws of the same seed and row start past them.
    /// </summary>
    public static void FillUniform(int seed, long row, Span<float> destination, long firstSlot = 0)
    {
        for (int j = 0; j < destination.Length; j++)
            destination[j] = (float)ToUnitOpen(Mix((ulong)(uint)seed, (ulong)row, (ulong)(firstSlot + j)));
    }

    private static ulong Mix(ulong seed, ulong row, ulong slot) => SplitMix(seed ^ SplitMix(row ^ SplitMix(slot)));

    private static ulong SplitMix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }

    // (0, 1]: never 0, so the logarithm stays finite.
    private static double ToUnitOpen(ulong bits) => ((bits >> 11) + 1) * (1.0 / (1UL << 53));
}
