using Microsoft.ML.OnnxRuntime;

namespace Vae.MLNet;

/// <summary>
/// Retries an ML.NET load that failed only because of the name ML.NET gave a temporary copy of an ONNX graph.
/// </summary>
/// <remarks>
/// ML.NET's OnnxTransformer, loaded from a saved model, writes its graph to <c>Path.GetRandomFileName()</c>, whose
/// random three-letter extension is <c>ort</c> once in 32,768 names, and ONNX Runtime reads a file of that extension as
/// its own flat-buffer format: the load fails with "ORT model verification failed" although the graph is sound.
/// Another attempt draws another name. An ORT-format graph saved in a pipeline fails every attempt, so the last
/// attempt's error is the one thrown.
/// </remarks>
internal static class OnnxLoadRetry
{
    /// <summary>Chance of failing all three attempts through the name alone: one in 3.5 × 10¹³.</summary>
    private const int Attempts = 3;

    /// <summary>ONNX Runtime's message when a file named <c>.ort</c> is no ORT-format model.</summary>
    internal const string OrtFormatMessage = "ORT model verification failed";

    public static T Run<T>(Func<T> load)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return load();
            }
            catch (Exception error) when (attempt < Attempts && IsGraphReadAsOrtFormat(error))
            {
            }
        }
    }

    /// <summary>Whether <paramref name="error"/>, or an exception it wraps, is ONNX Runtime reading a graph as its own format.</summary>
    internal static bool IsGraphReadAsOrtFormat(Exception error)
    {
        for (Exception? cause = error; cause is not null; cause = cause.InnerException)
        {
            if (cause is OnnxRuntimeException && cause.Message.Contains(OrtFormatMessage, StringComparison.Ordinal))
                return true;
        }
        return false;
    }
}
