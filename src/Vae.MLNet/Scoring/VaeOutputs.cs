namespace Vae.MLNet;

/// <summary>
/// The outputs of the scoring graph a caller wants; ONNX Runtime only computes the nodes the requested outputs need.
/// </summary>
[Flags]
internal enum VaeOutputs
{
    None = 0,
    LatentMean = 1 << 0,
    LatentLogVariance = 1 << 1,
    Reconstruction = 1 << 2,
    FeatureError = 1 << 3,
    ReconstructionError = 1 << 4,
    KlDivergence = 1 << 5,
    Score = 1 << 6,
    All = LatentMean | LatentLogVariance | Reconstruction | FeatureError | ReconstructionError | KlDivergence | Score,
}
