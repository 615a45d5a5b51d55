using Microsoft.ML;

namespace Vae.MLNet.Inference.Tests;

/// <summary>
/// What a service meets when the model file it loads is not the file that was saved: a copy still being written (cut
/// short), or damaged bytes. <c>LoadWithBatchedScoring</c> refuses it with an <see cref="InvalidDataException"/> that
/// names the file, the one exception it documents for a bad file.
/// </summary>
public sealed class DamagedPipelineZipTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"vae-damaged-{Guid.NewGuid():N}.zip");

    [Fact]
    public void ACopyCutShortIsRefusedNamingTheFile()
    {
        var bytes = File.ReadAllBytes(CardioDetector.ModelPath);
        foreach (int length in new[] { 0, 100, bytes.Length / 2, bytes.Length - 1 })
        {
            File.WriteAllBytes(_path, bytes[..length]);

            var error = Assert.Throws<InvalidDataException>(() => new MLContext().Model.LoadWithBatchedScoring(_path, out _));
            Assert.True(error.Message.StartsWith(_path, StringComparison.Ordinal), $"{length} of {bytes.Length} bytes: {error.Message}");
        }
    }

    public void Dispose() => File.Delete(_path);
}
