using Microsoft.ML;

namespace Vae.MLNet;

/// <summary>
/// Turns a pipeline that <c>mlContext.Model.Load</c> gave back — whose VAE components are ML.NET's OnnxTransformer and
/// glue, with their settings only in their graphs' metadata — into the one <c>LoadWithBatchedScoring</c> gives, with the
/// VAE components themselves, by saving it to a temporary file and loading that.
/// </summary>
internal static class BatchedReload
{
    public static ITransformer Reload(ModelOperationsCatalog catalog, ITransformer pipeline, DataViewSchema? inputSchema)
    {
        string path = Path.Combine(Path.GetTempPath(), $"vae-mlnet-{Guid.NewGuid():N}.zip");
        try
        {
            catalog.Save(pipeline, inputSchema, path);
            return catalog.LoadWithBatchedScoring(path, out _);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
