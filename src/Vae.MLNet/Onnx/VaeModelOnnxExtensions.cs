namespace Vae.MLNet;

/// <summary>Exports a trained <see cref="VaeModel"/> as a self-contained ONNX model.</summary>
/// <remarks>
/// <para>
/// The exported model uses opset 17 (IR version 8) and keeps every weight inside the file. Its single input is
/// <c>features</c>, float [N, D], where N is a symbolic batch dimension named <c>"N"</c> and D is
/// <see cref="VaeModel.InputDimension"/>. With k = <see cref="VaeModel.LatentDimension"/>, its float outputs are:
/// </para>
/// <list type="bullet">
/// <item><description><c>latent_mean</c> [N, k]: the posterior mean μ.</description></item>
/// <item><description><c>latent_log_variance</c> [N, k]: the posterior log-variance log σ².</description></item>
/// <item><description><c>reconstruction</c> [N, D]: the decoder's output for z = μ; for a Bernoulli likelihood, sigmoid of the logits.</description></item>
/// <item><description><c>feature_error</c> [N, D]: the per-feature negative log-likelihood −log p(xⱼ|z = μ).</description></item>
/// <item><description><c>reconstruction_error</c> [N]: the sum of <c>feature_error</c> over the features.</description></item>
/// <item><description><c>kl_divergence</c> [N]: KL(q(z|x) ‖ N(0, I)).</description></item>
/// <item><description><c>score</c> [N]: the anomaly score (higher is more anomalous). For a trained model, which keeps
/// <see cref="VaeModel.TrainingCodes"/>, the detector's default: <c>reconstruction_error</c> − 2·log q(μ), with q the
/// aggregate posterior of the codes (<see cref="VaeScoreKind.AggregatePosterior"/>), plus 0.5 times the minor-component
/// term of a model with <see cref="VaeModel.MinorComponents"/>; for a model without codes,
/// <c>reconstruction_error</c> + <c>kl_divergence</c>. It is the network's score, not a detector's: a detector
/// trained on more than 1,024 rows weighs the latent term less, and one of missing values maps scores by observed
/// count, so only <see cref="VaeAnomalyDetectionTransformer.ExportOnnx"/> writes the score its threshold applies to.</description></item>
/// </list>
/// <para>
/// Features are clamped to ±1e8 and the posterior log-variance to ±30 inside the graph, so a finite input always gets
/// a finite score (an extreme one, a very high score); data in any sensible scale never reaches the bounds. ±∞, which
/// the transformers refuse, is clamped too: the graph scores it as ±1e8, finite and very high, not NaN.
/// </para>
/// </remarks>
public static class VaeModelOnnxExtensions
{
    /// <summary>Writes the model as an ONNX file at <paramref name="path"/>, replacing any existing file
    /// only once the new one is complete: the file <see cref="VaeModelFile.Save"/> writes.</summary>
    /// <param name="model">The trained model.</param>
    /// <param name="path">The file to write, conventionally with the extension <c>.onnx</c>.</param>
    /// <remarks>See <see cref="VaeModelOnnxExtensions"/> for the input and output names and shapes.</remarks>
    public static void ExportOnnx(this VaeModel model, string path)
    {
        model.Save(path);
    }

    /// <summary>Writes the model in ONNX format to <paramref name="stream"/>, leaving the stream open.</summary>
    /// <param name="model">The trained model.</param>
    /// <param name="stream">A writable stream; the model is written from its current position.</param>
    /// <remarks>See <see cref="VaeModelOnnxExtensions"/> for the input and output names and shapes.</remarks>
    public static void ExportOnnx(this VaeModel model, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(stream);
        stream.Write(VaeModelFile.Bytes(model));
    }
}
