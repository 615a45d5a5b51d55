namespace Vae.MLNet;

/// <summary>
/// Lays square grayscale images out side by side, in rows, as one matrix of intensities: what a heatmap plot shows as
/// a picture of many generated rows at once, e.g. the digits of <see cref="VaeGeneration.Sample"/>.
/// </summary>
public static class ImageGrid
{
    /// <summary>
    /// <paramref name="images"/>, <paramref name="columns"/> to a row, one pixel of 0 between two images: a matrix of
    /// [rows × (<paramref name="side"/> + 1) − 1, <paramref name="columns"/> × (<paramref name="side"/> + 1) − 1].
    /// </summary>
    /// <param name="images">Images of <paramref name="side"/>² pixels each, row-major, intensities as they are (e.g. in [0, 1]).</param>
    /// <param name="side">Pixels on an image's side.</param>
    /// <param name="columns">Images per row of the grid.</param>
    public static double[,] Tile(IReadOnlyList<float[]> images, int side, int columns)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentOutOfRangeException.ThrowIfLessThan(side, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(images.Count, 1, nameof(images));
        const int gap = 1;
        int rows = (images.Count + columns - 1) / columns;
        var intensities = new double[rows * (side + gap) - gap, columns * (side + gap) - gap];
        for (int i = 0; i < images.Count; i++)
        {
            if (images[i].Length != side * side)
                throw new ArgumentException($"Image {i} has {images[i].Length} pixels; a {side}×{side} image has {side * side}.", nameof(images));
            int top = i / columns * (side + gap), left = i % columns * (side + gap);
            for (int y = 0; y < side; y++)
                for (int x = 0; x < side; x++)
                    intensities[top + y, left + x] = images[i][y * side + x];
        }
        return intensities;
    }
}
