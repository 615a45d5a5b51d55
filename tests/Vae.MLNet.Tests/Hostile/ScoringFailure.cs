namespace Vae.MLNet.Tests.Hostile;

/// <summary>A model loaded from a hostile file failed while scoring; the cause is the inner exception.</summary>
internal sealed class ScoringFailure(Exception cause) : Exception($"scoring failed: {cause.Message}", cause);
