namespace Vae.MLNet;

/// <summary>
/// The check on what the decoder returns. A finite latent code far beyond the prior (±3e38 in its coordinates)
/// overflows the decoder's float arithmetic to NaN or ±∞; the scoring graphs clamp their features so that every finite
/// row scores finitely, but a clamped code would decode to the row of another code. So a decoded row that is not finite
/// is refused, its code named, rather than returned.
/// </summary>
internal static class DecoderOverflow
{
    /// <summary>
    /// Why <paramref name="decoded"/>, the decoding of <paramref name="latent"/>, is refused, as the words that follow
    /// the code's name in a message; null when every value is finite.
    /// </summary>
    public static string? Check(ReadOnlySpan<float> latent, ReadOnlySpan<float> decoded)
    {
        int slot = FeatureColumn.IndexOfNonFinite(decoded);
        if (slot < 0)
            return null;
        float largest = 0;
        foreach (float value in latent)
            largest = MathF.Max(largest, MathF.Abs(value));
        return $"decodes to {decoded[slot]} at slot {slot} from a code whose largest coordinate is {largest} in magnitude: the decoder's float " +
            "arithmetic overflows (a trained model's codes lie within a few units of 0).";
    }
}
