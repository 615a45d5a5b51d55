namespace Vae.MLNet.Tests.Hostile;

/// <summary>A loaded model whose weights are within what training produces gave an infinite or NaN score.</summary>
internal sealed class NotFiniteScoreException(string message) : Exception(message);
