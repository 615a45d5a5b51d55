using System.Collections.Generic;
using System.IO;

namespace Vae.MLNet.Notebooks;

/// <summary>Helpers every notebook and twin uses, so that each story shows only its own steps.</summary>
/// <remarks>A notebook gets this file as a cell (notebooks.py), so it names ScottPlot's types in full: a using
/// directive would reach every later cell.</remarks>
public static class Notebook
{
    /// <summary>The repository's root: the nearest folder, from the working directory up, that holds Vae.MLNet.sln.</summary>
    public static string Repository { get; } = FindRepository();

    /// <summary>A path inside the repository.</summary>
    public static string PathTo(string relative) => Path.Combine(Repository, relative);

    /// <summary>Saves <paramref name="plot"/> as notebooks/figures/<paramref name="name"/>.png and returns the path.</summary>
    public static string SaveFigure(ScottPlot.Plot plot, string name, int width = 640, int height = 400)
    {
        string path = PathTo(Path.Combine("notebooks", "figures", name + ".png"));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        plot.SavePng(path, width, height);
        Console.WriteLine($"figure: {path}");
        return path;
    }

    /// <summary>8×8 images with pixels in [0, 1], <paramref name="columns"/> to a row, as one grayscale image.</summary>
    public static ScottPlot.Plot DigitGrid(IReadOnlyList<float[]> digits, int columns)
    {
        var plot = new ScottPlot.Plot();
        var heatmap = plot.Add.Heatmap(Vae.MLNet.ImageGrid.Tile(digits, side: 8, columns));
        heatmap.Colormap = new ScottPlot.Colormaps.Grayscale();
        heatmap.ManualRange = new ScottPlot.Range(0, 1);
        plot.Layout.Frameless();
        plot.Axes.Margins(0, 0);
        return plot;
    }

    private static string FindRepository()
    {
        var folder = Directory.GetCurrentDirectory();
        while (!File.Exists(Path.Combine(folder, "Vae.MLNet.sln")))
            folder = Path.GetDirectoryName(folder) ?? throw new InvalidOperationException("Run from inside the Vae.MLNet repository.");
        return folder;
    }
}
