namespace Vae.MLNet;

/// <summary>
/// A column of the data view at some step of a pipeline being exported: the graph value that holds it, [N, width] for
/// the preprocessing steps' columns, and whether a VAE component wrote it (in the shape its graph gives).
/// </summary>
internal sealed record PipelineColumn(string Value, int Width, bool FromVae = false);
