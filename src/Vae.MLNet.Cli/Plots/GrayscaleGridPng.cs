using ScottPlot;

namespace Vae.MLNet.Cli;

/// <summary>Renders square grayscale images (pixels in [0, 1]) side by side, rows of images, as one PNG.</summary>
internal static class GrayscaleGridPng
{
    /// <summary>Writes <paramref name="images"/>, <paramref name="columns"/> per row, each <paramref name="side"/>² pixels, to a PNG.</summary>
    public static void Save(string path, IReadOnlyList<float[]> images, int side, int columns, int pixelsPerCell = 12)
    {
        var intensities = ImageGrid.Tile(images, side, columns);
        var plot = new Plot();
        var heatmap = plot.Add.Heatmap(intensities);
        heatmap.Colormap = new ScottPlot.Colormaps.Grayscale();
        heatmap.ManualRange = new ScottPlot.Range(0, 1);
        plot.Layout.Frameless();
        plot.Axes.Margins(0, 0);
        var png = plot.GetImageBytes(intensities.GetLength(1) * pixelsPerCell, intensities.GetLength(0) * pixelsPerCell, ImageFormat.Png);
        OutputLocation.Write(path, file => file.Write(png));
    }
}
