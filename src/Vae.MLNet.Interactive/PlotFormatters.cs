using System.Runtime.CompilerServices;
using Microsoft.DotNet.Interactive.Formatting;
using ScottPlot;

namespace Vae.MLNet.Interactive;

/// <summary>HTML formatters that show ScottPlot figures as inline PNG images.</summary>
internal static class PlotFormatters
{
    /// <summary>The size a <see cref="Plot"/> renders at; return <c>plot.GetImage(width, height)</c> for another.</summary>
    internal const int DefaultWidth = 640, DefaultHeight = 400;

    // Not inlined: the JIT must not resolve ScottPlot's types before the extension has seen the assembly load.
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static void Register()
    {
        Formatter.Register<Plot>((plot, writer) => writer.Write(ImgTag(plot.GetImageBytes(DefaultWidth, DefaultHeight, ImageFormat.Png))), HtmlFormatter.MimeType);
        Formatter.Register<Image>((image, writer) => writer.Write(ImgTag(image.GetImageBytes(ImageFormat.Png))), HtmlFormatter.MimeType);
    }

    private static string ImgTag(byte[] png) => $"<img src=\"data:image/png;base64,{Convert.ToBase64String(png)}\"/>";
}
